//! Request ids and the access log.
//!
//! Every request gets an id (the caller's `X-Request-Id` when it is sane, a fresh UUIDv7
//! otherwise), echoed in the response and carried in a task-local so problem bodies can cite
//! it as their `instance`. One structured log line is written per request.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use opentelemetry::trace::TraceContextExt;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served on this task, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// Who made the request, for the access log. The gateway's authentication inserts it into the
/// request's extensions; it is an id, never a credential.
#[derive(Debug, Clone)]
pub struct LoggedPrincipal(pub String);

fn accepted(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let sane = !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    sane.then(|| s.to_owned())
}

/// W3C `traceparent`/`tracestate` of the request, for the trace propagator.
struct Headers<'a>(&'a actix_web::http::header::HeaderMap);

impl opentelemetry::propagation::Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// One span per request (exported as a server span when trace export is on), continuing the
/// caller's trace when it sent `traceparent`.
fn request_span(req: &ServiceRequest, method: &str, id: &str) -> tracing::Span {
    // Named once the request is routed: asking for the route before routing walks the whole
    // route table, trying each dynamic route's regex, and routing then walks it again.
    let span = tracing::info_span!(
        "http.request",
        otel.kind = "server",
        http.request.method = %method,
        url.path = %req.path(),
        http.route = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        request_id = %id,
    );
    let parent =
        opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(req.headers())));
    let _ = span.set_parent(parent);
    span
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(accepted)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let started = Instant::now();
    let method = req.method().to_string();
    let span = request_span(&req, &method, &id);

    // Handlers and extractors turn their errors into responses inside this scope, so only a
    // failing middleware can land in the error arm; actix renders that one itself.
    let served = REQUEST_ID
        .scope(id.clone(), next.call(req))
        .instrument(span.clone())
        .await;
    let mut res = match served {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            tracing::error!(request_id = %id, error = %e, "request failed in middleware");
            return Err(e);
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HEADER, value);
    }

    let request = res.request();
    let route = super::route::pattern(request).unwrap_or_else(|| "(unmatched)".to_owned());
    // The exported span is renamed in place: a recorded `otel.name` only names a span that has
    // not started yet.
    span.context()
        .span()
        .update_name(format!("{method} {route}"));
    span.record("http.route", route.as_str());
    span.record("http.response.status_code", res.status().as_u16());
    let principal = request
        .extensions()
        .get::<LoggedPrincipal>()
        .map(|p| p.0.clone())
        .unwrap_or_else(|| "anonymous".to_owned());
    tracing::info!(
        target: "access",
        request_id = %id,
        method = %method,
        route = %route,
        status = res.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        principal = %principal,
        "request"
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_ids_are_accepted() {
        assert_eq!(
            accepted(&HeaderValue::from_static("abc-123_x.y")),
            Some("abc-123_x.y".into())
        );
        assert_eq!(accepted(&HeaderValue::from_static("")), None);
        assert_eq!(accepted(&HeaderValue::from_static("has space")), None);
        assert_eq!(
            accepted(&HeaderValue::from_str(&"a".repeat(129)).unwrap()),
            None
        );
    }
}
