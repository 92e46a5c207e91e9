//! Entity tags: `ETag` on every successful JSON GET, `If-None-Match` → 304, and `If-Match`
//! checks for conditional updates.
//!
//! A handler that knows its resource's version sets its own `ETag`; for everything else the
//! middleware derives one from the body, so lists and documents get validators for free.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A strong entity tag for a body's exact bytes.
///
/// A tag only has to change when the bytes do, for the client that cached them: a 128-bit
/// XXH3 does that at a fraction of a cryptographic digest's cost (SHA-256 was 2 % of a listed
/// page's CPU), and is the same on every replica and release.
pub fn for_bytes(body: &[u8]) -> String {
    let digest = xxhash_rust::xxh3::xxh3_128(body).to_be_bytes();
    format!("\"{}\"", URL_SAFE_NO_PAD.encode(digest))
}

/// A strong entity tag for a versioned resource.
pub fn for_version(kind: &str, id: &str, version: i32) -> String {
    format!(
        "\"{kind}-{}-v{version}\"",
        id.rsplit('_').next().unwrap_or(id)
    )
}

fn list_matches(header_value: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    header_value
        .split(',')
        .any(|candidate| candidate.trim() == "*" || bare(candidate) == bare(etag))
}

/// Whether `If-None-Match` names the current representation (weak comparison, RFC 9110).
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| list_matches(v, etag))
}

/// The version an `If-Match` header insists on, for resources tagged by [`for_version`].
///
/// `None`: no header, or `*` (any current version will do). A tag that is not one of ours, or
/// names another resource, can never match and yields version 0, which no resource has, so
/// the update fails with 412 after its input has been validated.
pub fn expected_version(req: &HttpRequest, kind: &str, id: &str) -> Option<i32> {
    let value = req.headers().get(header::IF_MATCH)?;
    let Ok(value) = value.to_str() else {
        return Some(0);
    };
    let prefix = for_version(kind, id, 0);
    let prefix = prefix.trim_end_matches("0\"");
    let mut candidates = value.split(',').map(str::trim);
    if candidates.clone().any(|c| c == "*") {
        return None;
    }
    let version = candidates.find_map(|c| {
        c.strip_prefix(prefix)?
            .strip_suffix('"')?
            .parse::<i32>()
            .ok()
    });
    Some(version.unwrap_or(0))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable = matches!(*req.method(), Method::GET | Method::HEAD);
    let res = next.call(req).await?;
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !cacheable || res.status() != StatusCode::OK || !is_json {
        return Ok(res.map_into_boxed_body());
    }

    let (request, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let etag = match head
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
    {
        Some(existing) => existing.to_owned(),
        None => for_bytes(&bytes),
    };

    let response = if not_modified(request.headers(), &etag) {
        let mut not_modified = HttpResponse::NotModified();
        for name in [header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = head.headers().get(&name) {
                not_modified.insert_header((name, v.clone()));
            }
        }
        not_modified.finish()
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    let mut res = ServiceResponse::new(request, response);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_uses_weak_comparison_and_lists() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b\""),
        );
        assert!(not_modified(&h, "\"b\""));
        assert!(!not_modified(&h, "\"c\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(not_modified(&h, "\"c\""));
    }

    #[test]
    fn if_match_yields_the_version_it_names() {
        let req = |v: &str| {
            actix_web::test::TestRequest::default()
                .insert_header((header::IF_MATCH, v))
                .to_http_request()
        };
        let tag = for_version("item", "itm_abc", 7);
        assert_eq!(expected_version(&req(&tag), "item", "itm_abc"), Some(7));
        assert_eq!(expected_version(&req("*"), "item", "itm_abc"), None);
        assert_eq!(
            expected_version(&req("\"nope\""), "item", "itm_abc"),
            Some(0)
        );
        let other = for_version("item", "itm_xyz", 7);
        assert_eq!(expected_version(&req(&other), "item", "itm_abc"), Some(0));
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(expected_version(&none, "item", "itm_abc"), None);
    }

    #[test]
    fn tags_differ_when_content_or_version_does() {
        assert_ne!(for_bytes(b"a"), for_bytes(b"b"));
        assert_ne!(
            for_version("item", "itm_1", 1),
            for_version("item", "itm_1", 2)
        );
    }
}
