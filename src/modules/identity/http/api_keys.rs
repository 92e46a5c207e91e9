//! Self-serve API keys: create (the secret is shown once), list, revoke, rotate.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};

use super::{Identity, personal};
use crate::modules::identity::api::Call;
use crate::modules::identity::api::{ApiKeyList, CreatedApiKey, NewApiKey};
use crate::platform::http::extract::ValidJson;
use crate::platform::http::shown_once;
use crate::platform::problem::Problem;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_api_key)
        .service(list_api_keys)
        .service(revoke_api_key)
        .service(rotate_api_key);
}

/// Create an API key
///
/// For scripts and partner integrations. The secret is in this response only; Brigade keeps
/// a digest. Scopes cannot exceed what the owner's roles allow.
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    request_body = NewApiKey,
    responses((status = 201, description = "The key, with its secret (shown once)", body = CreatedApiKey))
)]
#[post("/v1/api-keys")]
async fn create_api_key(
    identity: Identity,
    caller: Call,
    body: ValidJson<NewApiKey>,
) -> Result<HttpResponse, Problem> {
    let created = identity.create_api_key(&caller, body.0).await?;
    Ok(shown_once::mark(personal(
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/v1/api-keys/{}", created.key.id)))
            .json(created),
    )))
}

/// List your API keys
///
/// Prefixes, scopes and last use; never secrets.
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    responses((status = 200, description = "Your keys, revoked ones included", body = ApiKeyList))
)]
#[get("/v1/api-keys")]
async fn list_api_keys(identity: Identity, caller: Call) -> Result<HttpResponse, Problem> {
    let data = identity.api_keys(&caller).await?;
    Ok(personal(HttpResponse::Ok().json(ApiKeyList { data })))
}

/// Revoke an API key
///
/// It stops working at once.
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "API key id")),
    responses((status = 204, description = "Revoked"))
)]
#[delete("/v1/api-keys/{id}")]
async fn revoke_api_key(
    identity: Identity,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    identity.revoke_api_key(&caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate an API key
///
/// Issues a new secret; the old one keeps working for `auth.api_key_rotation_overlap_secs`
/// so deployments can switch without downtime.
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "API key id")),
    responses((status = 200, description = "The key with its new secret (shown once)", body = CreatedApiKey))
)]
#[post("/v1/api-keys/{id}/rotate")]
async fn rotate_api_key(
    identity: Identity,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let rotated = identity.rotate_api_key(&caller, &id).await?;
    Ok(shown_once::mark(personal(HttpResponse::Ok().json(rotated))))
}
