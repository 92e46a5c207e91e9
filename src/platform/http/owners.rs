//! Which module serves a request, found once per request by comparing path segments, so that
//! routing tries that module's routes alone.
//!
//! actix tries routes one after another and matches each route with a parameter by running
//! its regex; a request to the fourth module ran some twenty of them before its own (6.5% of
//! a `GET /v1/orders/{id}`'s CPU). Each module's routes sit in a scope of their own, without
//! a prefix (the paths stay as the contract has them), guarded by [`served_by`]: a scope the
//! request is not for costs one look at the request's extensions.
//!
//! The same table gives a request's route pattern before routing (see `route`): actix's own
//! lookup then stops at the first of these scopes, which matches every path.
//!
//! The owner of an operation is its OpenAPI tag, the module's name (a test checks each
//! module's routes carry it). A request no operation matches has no owner: every module's
//! scope is passed over, as each of their routes would have been, and what comes after
//! answers (other routes, then the fallback's 404 or 405).

use std::borrow::Cow;
use std::collections::HashMap;

use actix_web::dev::Url;
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::Uri;
use actix_web::web;
use utoipa::openapi::OpenApi;

/// `(METHOD, path pattern)` of every operation → the module it belongs to.
#[derive(Debug, Default)]
pub struct Owners {
    /// Operations by segment count, in the order of the document.
    routes: HashMap<usize, Vec<Route>>,
    modules: Vec<String>,
}

#[derive(Debug)]
struct Route {
    method: String,
    pattern: String,
    /// `None` for a `{parameter}`.
    segments: Vec<Option<String>>,
    module: usize,
}

/// The owner found for this request, kept in its extensions.
#[derive(Clone, Copy)]
struct Owner(Option<usize>);

impl Owners {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let mut owners = Self::default();
        let value = serde_json::to_value(doc).unwrap_or_default();
        for (path, item) in value["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(tag) = op["tags"][0].as_str() {
                    owners.add(method, path, tag);
                }
            }
        }
        owners
    }

    fn add(&mut self, method: &str, pattern: &str, module: &str) {
        let module = match self.modules.iter().position(|m| m == module) {
            Some(known) => known,
            None => {
                self.modules.push(module.to_owned());
                self.modules.len() - 1
            }
        };
        let segments: Vec<Option<String>> = pattern
            .split('/')
            .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
            .collect();
        self.routes.entry(segments.len()).or_default().push(Route {
            method: method.to_ascii_uppercase(),
            pattern: pattern.to_owned(),
            segments,
            module,
        });
    }

    /// The module with an operation `method` on `path` (as routing sees it, percent-decoded).
    pub fn owner(&self, method: &str, path: &str) -> Option<&str> {
        self.owner_index(method, path)
            .map(|i| self.modules[i].as_str())
    }

    /// The pattern of the operations at `path`, whatever their method (no two patterns of
    /// the contract match one path).
    pub fn pattern(&self, path: &str) -> Option<&str> {
        self.find(path, |_| true).map(|r| r.pattern.as_str())
    }

    fn owner_index(&self, method: &str, path: &str) -> Option<usize> {
        self.find(path, |r| r.method == method).map(|r| r.module)
    }

    fn find(&self, path: &str, wanted: impl Fn(&Route) -> bool) -> Option<&Route> {
        let parts: Vec<&str> = path.split('/').collect();
        // A parameter is what actix's `[^/]+` takes: a whole segment, never an empty one.
        self.routes.get(&parts.len())?.iter().find(|r| {
            wanted(r)
                && r.segments.iter().zip(&parts).all(|(s, p)| match s {
                    Some(literal) => literal == p,
                    None => !p.is_empty(),
                })
        })
    }

    fn module_index(&self, module: &str) -> Option<usize> {
        self.modules.iter().position(|m| m == module)
    }
}

/// Passes the requests whose operation belongs to `module`.
pub fn served_by(module: &'static str) -> impl Guard {
    actix_web::guard::fn_guard(move |ctx| {
        let Some(owners) = ctx.app_data::<web::Data<Owners>>() else {
            // Without the table (a test's bare app), every module's routes are tried.
            return true;
        };
        let owner = owner_of(ctx, owners);
        owner.is_some() && owner == owners.module_index(module)
    })
}

fn owner_of(ctx: &GuardContext<'_>, owners: &Owners) -> Option<usize> {
    if let Some(Owner(known)) = ctx.req_data().get::<Owner>() {
        return *known;
    }
    let head = ctx.head();
    let owner = owners.owner_index(head.method.as_str(), &routed_path(&head.uri));
    ctx.req_data_mut().insert(Owner(owner));
    owner
}

/// The path as routing matches it: with what percent-encoding it can undo undone.
pub fn routed_path(uri: &Uri) -> Cow<'_, str> {
    let path = uri.path();
    if path.contains('%') {
        Cow::Owned(Url::new(uri.clone()).path().to_owned())
    } else {
        Cow::Borrowed(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners() -> Owners {
        let mut owners = Owners::default();
        owners.add("get", "/v1/orders/{id}", "ordering");
        owners.add("post", "/v1/orders/{id}/pay", "payments");
        owners.add("get", "/v1/venues/{id}", "venues");
        owners.add("get", "/v1/venues/{id}/menu", "catalog");
        owners.add("get", "/v1/me", "identity");
        owners
    }

    #[test]
    fn a_request_belongs_to_the_module_of_the_operation_it_matches() {
        let owners = owners();
        assert_eq!(owners.owner("GET", "/v1/orders/ord_1"), Some("ordering"));
        assert_eq!(
            owners.owner("POST", "/v1/orders/ord_1/pay"),
            Some("payments")
        );
        assert_eq!(
            owners.owner("GET", "/v1/venues/ven_1/menu"),
            Some("catalog")
        );
        assert_eq!(owners.owner("GET", "/v1/venues/ven_1"), Some("venues"));
        assert_eq!(owners.owner("GET", "/v1/me"), Some("identity"));
        assert_eq!(
            owners.pattern("/v1/orders/ord_1/pay"),
            Some("/v1/orders/{id}/pay")
        );
        assert_eq!(owners.pattern("/v1/orders/ord_1"), Some("/v1/orders/{id}"));
    }

    #[test]
    fn a_request_no_operation_matches_has_no_owner() {
        let owners = owners();
        for (method, path) in [
            ("POST", "/v1/orders/ord_1"),
            ("GET", "/v1/orders/"),
            ("GET", "/v1/orders/ord_1/"),
            ("POST", "/v1/orders//pay"),
            ("GET", "/v1/me/"),
            ("GET", "/v1/orders"),
            ("GET", "/v2/me"),
        ] {
            assert_eq!(owners.owner(method, path), None, "{method} {path}");
            if method == "GET" && path != "/v1/orders/ord_1" {
                assert_eq!(owners.pattern(path), None, "{path}");
            }
        }
    }
}
