//! Bearer-token authentication and role checks, shared by every module's handlers.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::gateway::scopes::ScopeTable;
use crate::modules::identity::api::{IdentityApi, Principal, Role};
use crate::platform::http::request_id::LoggedPrincipal;
use crate::platform::problem::Problem;

/// The authenticated caller. Extracting it answers 401 when the token is missing or dead.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// Refuses with 403 unless the caller holds one of `roles` (admins hold them all).
    pub fn require(&self, roles: &[Role]) -> Result<&Principal, Problem> {
        if self.0.has_any(roles) {
            Ok(&self.0)
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(Problem::forbidden(format!(
                "this operation needs one of the roles: {}",
                names.join(", ")
            )))
        }
    }
}

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

/// API keys may call only operations that declare a scope, and only with that scope.
fn check_scope(req: &HttpRequest, principal: &Principal) -> Result<(), Problem> {
    if !principal.is_api_key() {
        return Ok(());
    }
    let table = req.app_data::<web::Data<ScopeTable>>();
    let pattern = req.match_pattern().unwrap_or_default();
    match table.and_then(|t| t.required(req.method().as_str(), &pattern)) {
        None => Err(Problem::forbidden(
            "this operation is not open to API keys; use a signed-in access token",
        )),
        Some(scope) if !principal.allows_scope(scope) => Err(Problem::forbidden(format!(
            "this API key lacks the `{scope}` scope"
        ))),
        Some(_) => Ok(()),
    }
}

/// The outcome of authenticating a request once, early (the rate limiter does it), kept in
/// the request's extensions for [`Caller`]: `Some` principal, or `None` for no credential.
/// A failed attempt is not kept, so `Caller` re-runs it and answers its 401.
#[derive(Clone)]
pub struct Authenticated(pub Option<Principal>);

/// Resolves the request's credential; `None` when it carries none.
pub async fn authenticate(
    req: &HttpRequest,
    identity: Option<web::Data<dyn IdentityApi>>,
) -> Option<Result<Principal, Problem>> {
    let credential = credential(req)?;
    let Some(identity) = identity else {
        return Some(Err(Problem::internal(&"identity is not wired")));
    };
    Some(match credential {
        Credential::ApiKey(key) => identity
            .authenticate_api_key(&key)
            .await
            .map_err(Problem::from),
        Credential::AccessToken(token) => {
            identity.authenticate(&token).await.map_err(Problem::from)
        }
    })
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let identity = req.app_data::<web::Data<dyn IdentityApi>>().cloned();
        let early = req.extensions().get::<Authenticated>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let outcome = match early {
                Some(Authenticated(known)) => known.map(Ok),
                None => authenticate(&req, identity).await,
            };
            let principal = outcome.ok_or_else(|| {
                Problem::unauthorized(
                    "send an access token as `Authorization: Bearer <token>` or an API key as `X-API-Key`",
                )
            })??;
            {
                // Logged and metered as this caller even when the scope check refuses.
                let mut extensions = req.extensions_mut();
                extensions.insert(LoggedPrincipal(principal.user_id.clone()));
                extensions.insert(Authenticated(Some(principal.clone())));
            }
            check_scope(&req, &principal)?;
            Ok(Caller(principal))
        })
    }
}
