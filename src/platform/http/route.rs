//! The route a request matched, as its pattern (`/v1/orders/{id}`): it names the request's
//! span, metrics and audit entries, and keys the contract's per-operation policies.
//!
//! The contract's operations are looked up by path segments in [`ContractPaths`], before routing as
//! after. Any other route (the dashboard, the docs) is known by actix once the request is
//! routed; before that actix's lookup stops at the first module's scope, so a miss then is
//! not kept. A pattern found is kept in the request's extensions.

use actix_web::{HttpMessage, HttpRequest, web};

use super::contract_paths::{ContractPaths, routed_path};

#[derive(Clone)]
struct Matched(String);

/// The pattern of the route `req` matches; `None` when no route does.
pub fn pattern(req: &HttpRequest) -> Option<String> {
    if let Some(Matched(pattern)) = req.extensions().get::<Matched>() {
        return Some(pattern.clone());
    }
    let pattern = req
        .app_data::<web::Data<ContractPaths>>()
        .and_then(|paths| paths.pattern(&routed_path(req.uri())).map(str::to_owned))
        .or_else(|| req.match_pattern())?;
    req.extensions_mut().insert(Matched(pattern.clone()));
    Some(pattern)
}

#[cfg(test)]
mod tests {
    use actix_web::dev::Service;
    use actix_web::{App, HttpRequest, HttpResponse, test, web};

    use super::pattern;

    async fn echo(req: HttpRequest) -> HttpResponse {
        HttpResponse::Ok().body(pattern(&req).unwrap_or_default())
    }

    #[actix_web::test]
    async fn the_pattern_found_before_routing_is_the_one_routed_to() {
        let app = test::init_service(
            App::new()
                .wrap_fn(|req, srv| {
                    let before = pattern(req.request());
                    let answer = srv.call(req);
                    async move {
                        let res = answer.await?;
                        assert_eq!(before, pattern(res.request()));
                        Ok(res)
                    }
                })
                .route("/v1/things/{id}", web::get().to(echo))
                .route("/v1/things", web::get().to(echo))
                .default_service(web::to(echo)),
        )
        .await;
        for (path, expected) in [
            ("/v1/things/thg_1", "/v1/things/{id}"),
            ("/v1/things", "/v1/things"),
            ("/v1/nowhere", ""),
        ] {
            let body =
                test::call_and_read_body(&app, test::TestRequest::get().uri(path).to_request())
                    .await;
            assert_eq!(body, expected.as_bytes(), "{path}");
        }
    }
}
