//! Authentication, once per request at the edge: the outcome goes into the request's
//! extensions, where rate limits, idempotency, audit, metering and handlers' `Caller` read it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, web};

use crate::modules::identity::api::{IdentityApi, Principal};
use crate::platform::http::caller::Authenticated;
use crate::platform::http::request_id::LoggedPrincipal;
use crate::platform::problem::Problem;

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

/// What the caller presented: an API key (`X-API-Key`, or a bearer token shaped like one)
/// or an access token. Credentials in the query string are never read.
enum Credential {
    ApiKey(String),
    AccessToken(String),
}

fn credential(req: &HttpRequest) -> Option<Credential> {
    if let Some(key) = req.headers().get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(Credential::ApiKey(key.trim().to_owned()));
    }
    let token = bearer(req)?;
    Some(if token.starts_with("bk_") {
        Credential::ApiKey(token)
    } else {
        Credential::AccessToken(token)
    })
}

/// Resolves the request's credential: `None` when it carries none.
async fn authenticate(req: &HttpRequest) -> Result<Option<Principal>, Problem> {
    let Some(credential) = credential(req) else {
        return Ok(None);
    };
    let Some(identity) = req.app_data::<web::Data<dyn IdentityApi>>().cloned() else {
        return Err(Problem::internal(&"identity is not wired"));
    };
    let principal = match credential {
        Credential::ApiKey(key) => identity.authenticate_api_key(&key).await?,
        Credential::AccessToken(token) => identity.authenticate(&token).await?,
    };
    Ok(Some(principal))
}

/// The request's principal, as the edge authenticated it (`None`: anonymous, or a credential
/// that did not hold — the handler answers that one's 401).
pub fn principal(req: &HttpRequest) -> Option<Principal> {
    Authenticated::<Principal>::of(req)
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Only the API takes credentials (`/metrics` has a bearer token of its own).
    let outcome = if req.path().starts_with("/v1/") {
        authenticate(req.request()).await
    } else {
        Ok(None)
    };
    {
        let mut extensions = req.extensions_mut();
        if let Ok(Some(principal)) = &outcome {
            // Logged and metered as this caller even when a scope check refuses.
            extensions.insert(LoggedPrincipal(principal.user_id.clone()));
        }
        extensions.insert(Authenticated(outcome));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
