//! Cross-origin access for browsers: only the configured origins, never a reflected `*`.

use actix_cors::Cors;
use actix_web::http::{Method, header};

/// Headers a browser client may send and read across origins.
const REQUEST_HEADERS: [&str; 7] = [
    "authorization",
    "content-type",
    "if-match",
    "if-none-match",
    "idempotency-key",
    "last-event-id",
    "x-request-id",
];
/// What browser apps read: versions, created resources, rate limits, replays, request ids,
/// deprecation notices.
const EXPOSED_HEADERS: [header::HeaderName; 10] = [
    header::ETAG,
    header::LOCATION,
    header::RETRY_AFTER,
    header::HeaderName::from_static("ratelimit"),
    header::HeaderName::from_static("ratelimit-policy"),
    header::HeaderName::from_static("idempotent-replayed"),
    header::HeaderName::from_static("x-request-id"),
    header::HeaderName::from_static("deprecation"),
    header::HeaderName::from_static("sunset"),
    header::LINK,
];

pub fn policy(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers(REQUEST_HEADERS)
        .expose_headers(EXPOSED_HEADERS)
        .max_age(600)
        // Other origins are simply not granted access (the browser enforces it); the request
        // itself is answered normally rather than with a non-problem 400.
        .block_on_origin_mismatch(false);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
