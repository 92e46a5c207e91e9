//! The authenticated caller, as handlers receive it. The edge authenticates each request once
//! and leaves the outcome in the request's extensions; this extractor only reads it, so no
//! module's HTTP code depends on how (or where) credentials are checked.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::platform::call::Call;
use crate::platform::http::request_id;
use crate::platform::http::scopes::ScopeTable;
use crate::platform::problem::Problem;

/// What a principal must tell the edge about itself; identity's principal implements it.
pub trait Credential: Clone + 'static {
    /// Whether it came from an API key, which may call only operations that declare a scope.
    fn is_api_key(&self) -> bool;
    fn allows_scope(&self, scope: &str) -> bool;
}

/// The outcome of authenticating a request once, at the edge: a principal, `None` for no
/// credential at all, or the problem a credential that did not hold answers with.
#[derive(Clone)]
pub struct Authenticated<P>(pub Result<Option<P>, Problem>);

impl<P: Clone + 'static> Authenticated<P> {
    /// The request's principal, if it presented a credential that held.
    pub fn of(req: &HttpRequest) -> Option<P> {
        match req.extensions().get::<Self>() {
            Some(Authenticated(Ok(principal))) => principal.clone(),
            _ => None,
        }
    }
}

/// The authenticated caller's call: extracting it answers 401 when there is no credential or
/// it did not hold, and 403 when an API key lacks the operation's scope.
impl<P: Credential> FromRequest for Call<P> {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let outcome = req
            .extensions()
            .get::<Authenticated<P>>()
            .map(|a| a.0.clone())
            .unwrap_or_else(|| Err(Problem::internal(&"the edge did not authenticate")));
        ready(outcome.and_then(|principal| {
            let principal = principal.ok_or_else(|| {
                Problem::unauthorized(
                    "send an access token as `Authorization: Bearer <token>` or an API key as `X-API-Key`",
                )
            })?;
            check_scope(req, &principal)?;
            Ok(Call::new(principal, request_id::current().unwrap_or_default()))
        }))
    }
}

/// API keys may call only operations that declare a scope, and only with that scope.
fn check_scope<P: Credential>(req: &HttpRequest, principal: &P) -> Result<(), Problem> {
    if !principal.is_api_key() {
        return Ok(());
    }
    let table = req.app_data::<web::Data<ScopeTable>>();
    let pattern = super::route::pattern(req).unwrap_or_default();
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
