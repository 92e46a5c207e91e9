//! Bearer-token authentication and role checks, shared by every module's handlers.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

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

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let identity = req.app_data::<web::Data<dyn IdentityApi>>().cloned();
        let token = bearer(req);
        let req = req.clone();
        Box::pin(async move {
            let identity = identity.ok_or_else(|| Problem::internal(&"identity is not wired"))?;
            let token = token.ok_or_else(|| {
                Problem::unauthorized("send an access token as `Authorization: Bearer <token>`")
            })?;
            let principal = identity.authenticate(&token).await?;
            req.extensions_mut()
                .insert(LoggedPrincipal(principal.user_id.clone()));
            Ok(Caller(principal))
        })
    }
}
