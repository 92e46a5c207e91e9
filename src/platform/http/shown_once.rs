//! A response extension marking answers that show a secret once (a new API key, a webhook
//! signing secret): whatever keeps responses (idempotent replays) must not keep these.

use actix_web::HttpResponse;

#[derive(Debug, Clone, Copy)]
pub struct ShownOnce;

/// Marks `res` as showing a secret once.
pub fn mark(mut res: HttpResponse) -> HttpResponse {
    res.extensions_mut().insert(ShownOnce);
    res
}
