//! `Deprecation` (RFC 9745) and `Sunset` (RFC 8594) headers on deprecated operations.
//!
//! An operation is deprecated by marking it so in its `#[utoipa::path]` (`deprecated`) with
//! the dates as extensions (`x-deprecated-at`, `x-sunset`, RFC 3339). The table is read from
//! the OpenAPI document, like the scope table, so what the document says is what clients get.

use std::collections::HashMap;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use chrono::{DateTime, Utc};
use serde_json::Value;
use utoipa::openapi::OpenApi;

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// `@<unix seconds>`: when the operation was deprecated.
    pub deprecation: String,
    /// HTTP-date after which it may be gone.
    pub sunset: Option<String>,
}

/// `(METHOD, path pattern)` → the headers a deprecated operation answers with.
#[derive(Default)]
pub struct DeprecationTable(HashMap<(String, String), Notice>);

fn date(op: &Value, field: &str) -> Option<DateTime<Utc>> {
    op.get(field)?
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

impl DeprecationTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        Self::from_value(&serde_json::to_value(doc).unwrap_or_default())
    }

    pub fn from_value(doc: &Value) -> Self {
        let mut table = HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if op["deprecated"] != Value::Bool(true) {
                    continue;
                }
                let since = date(op, "x-deprecated-at").unwrap_or_default();
                let notice = Notice {
                    deprecation: format!("@{}", since.timestamp()),
                    sunset: date(op, "x-sunset")
                        .map(|d| d.format("%a, %d %b %Y %H:%M:%S GMT").to_string()),
                };
                table.insert((method.to_uppercase(), path.clone()), notice);
            }
        }
        Self(table)
    }

    pub fn notice(&self, method: &str, pattern: &str) -> Option<&Notice> {
        let method = if method == "HEAD" { "GET" } else { method };
        self.0.get(&(method.to_owned(), pattern.to_owned()))
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let table = req.app_data::<web::Data<DeprecationTable>>().cloned();
    let method = req.method().as_str().to_owned();
    let mut res = next.call(req).await?.map_into_boxed_body();
    let pattern = crate::platform::http::route::pattern(res.request());
    if let (Some(table), Some(pattern)) = (table, pattern)
        && let Some(notice) = table.notice(&method, &pattern)
    {
        let headers = res.headers_mut();
        for (name, value) in [
            ("deprecation", Some(&notice.deprecation)),
            ("sunset", notice.sunset.as_ref()),
        ] {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(HeaderName::from_static(name), v);
            }
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, HttpResponse, test};
    use serde_json::json;

    fn table() -> DeprecationTable {
        DeprecationTable::from_value(&json!({"paths": {
            "/v1/old/{id}": {"get": {"deprecated": true,
                "x-deprecated-at": "2026-01-01T00:00:00Z", "x-sunset": "2026-07-01T00:00:00Z"}},
            "/v1/new/{id}": {"get": {}}
        }}))
    }

    #[actix_web::test]
    async fn deprecated_operations_announce_it_and_others_do_not() {
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(table()))
                .wrap(actix_web::middleware::from_fn(middleware))
                .route("/v1/old/{id}", web::get().to(HttpResponse::Ok))
                .route("/v1/new/{id}", web::get().to(HttpResponse::Ok)),
        )
        .await;
        let old =
            test::call_service(&app, test::TestRequest::get().uri("/v1/old/7").to_request()).await;
        assert_eq!(old.headers().get("deprecation").unwrap(), "@1767225600");
        assert_eq!(
            old.headers().get("sunset").unwrap(),
            "Wed, 01 Jul 2026 00:00:00 GMT"
        );
        let new =
            test::call_service(&app, test::TestRequest::get().uri("/v1/new/7").to_request()).await;
        assert!(new.headers().get("deprecation").is_none());
        assert!(new.headers().get("sunset").is_none());
    }
}
