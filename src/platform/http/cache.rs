//! `Cache-Control` policies, named for who may keep a response.

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};

/// Personal data: only the caller's own client may see it, and not even keep it.
pub const PERSONAL: &str = "private, no-store";
/// Live status that is stale the moment it is sent.
pub const UNCACHEABLE: &str = "no-store";

pub fn with_policy(mut res: HttpResponse, policy: &'static str) -> HttpResponse {
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    res
}
