//! Identity's HTTP operations: thin handlers over [`IdentityApi`].

use actix_web::{HttpResponse, get, patch, post, put, web};

use super::api::{
    IdentityApi, LoginRequest, RefreshRequest, RegisterRequest, SetPlanRequest, SetRolesRequest,
    SetVenuesRequest, TokenResponse, UpdateMeRequest, UserView,
};
use crate::modules::identity::api::Call;
use crate::platform::http::cache;
use crate::platform::http::extract::ValidJson;
use crate::platform::problem::Problem;

mod api_keys;

type Identity = web::Data<dyn IdentityApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(me)
        .service(update_me)
        .service(get_user)
        .service(set_roles)
        .service(set_plan)
        .service(set_venues);
    api_keys::routes(cfg);
}

fn personal(res: HttpResponse) -> HttpResponse {
    cache::with_policy(res, cache::PERSONAL)
}

/// Create a customer account
///
/// Anyone may register; the account gets the `customer` role. Roles and ids are never taken
/// from the request.
#[utoipa::path(
    tag = "identity",
    extensions(("x-idempotency" = json!("none"))),
    security(()),
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = UserView),
        (status = 409, description = "The email is already registered", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/register")]
async fn register(
    identity: Identity,
    body: ValidJson<RegisterRequest>,
) -> Result<HttpResponse, Problem> {
    let user = identity.register(body.0).await?;
    Ok(personal(HttpResponse::Created().json(user)))
}

/// Sign in
///
/// Exchanges email and password for an access token and a refresh token. An unknown email and
/// a wrong password get the same answer; repeated failures lock the account for a while (429).
#[utoipa::path(
    tag = "identity",
    extensions(("x-idempotency" = json!("none"))),
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Email or password is incorrect", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts for this account", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until the account may try again"))),
    )
)]
#[post("/v1/auth/login")]
async fn login(identity: Identity, body: ValidJson<LoginRequest>) -> Result<HttpResponse, Problem> {
    let tokens = identity.login(body.0).await?;
    Ok(personal(HttpResponse::Ok().json(tokens)))
}

/// Refresh tokens
///
/// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a used
/// one again revokes its session.
#[utoipa::path(
    tag = "identity",
    extensions(("x-idempotency" = json!("none"))),
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = TokenResponse),
        (status = 401, description = "The refresh token is invalid, used, expired or revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/refresh")]
async fn refresh(
    identity: Identity,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, Problem> {
    let tokens = identity.refresh(&body.0.refresh_token).await?;
    Ok(personal(HttpResponse::Ok().json(tokens)))
}

/// Sign out
///
/// Revokes the caller's session: its access token and refresh token stop working at once.
#[utoipa::path(
    tag = "identity",
    extensions(("x-idempotency" = json!("none"))),
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out"))
)]
#[post("/v1/auth/logout")]
async fn logout(identity: Identity, caller: Call) -> Result<HttpResponse, Problem> {
    identity.logout(&caller).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who am I
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = UserView))
)]
#[get("/v1/me")]
async fn me(identity: Identity, caller: Call) -> Result<HttpResponse, Problem> {
    let user = identity.me(&caller).await?;
    Ok(personal(HttpResponse::Ok().json(user)))
}

/// Update my profile
///
/// Changes the name and/or the password. A new password needs `current_password` and signs
/// out every other session.
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses((status = 200, description = "The updated account", body = UserView))
)]
#[patch("/v1/me")]
async fn update_me(
    identity: Identity,
    caller: Call,
    body: ValidJson<UpdateMeRequest>,
) -> Result<HttpResponse, Problem> {
    let user = identity.update_profile(&caller, body.0).await?;
    Ok(personal(HttpResponse::Ok().json(user)))
}

/// Get a user (admin)
///
/// Name, email, roles and plan: how operators (and the dashboard) put a name to the user ids
/// in usage reports and the audit trail.
#[utoipa::path(
    tag = "identity",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id", example = "usr_0193a5c27d1e7cc09a513e0b8f0e2f11")),
    responses((status = 200, description = "The user", body = UserView))
)]
#[get("/v1/admin/users/{id}")]
async fn get_user(
    identity: Identity,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let user = identity.user(&caller, &id).await?;
    Ok(personal(HttpResponse::Ok().json(user)))
}

/// Assign a user's rate-limit plan (admin)
///
/// The user's calls with access tokens and with any of their API keys are then limited
/// (per second, per minute, per month) by this plan instead of their class's default.
/// `null` restores the default.
#[utoipa::path(
    tag = "identity",
    extensions(("x-audit-target" = json!("user"))),
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id", example = "usr_0193a5c27d1e7cc09a513e0b8f0e2f11")),
    request_body = SetPlanRequest,
    responses(
        (status = 200, description = "The user with the plan", body = UserView),
    )
)]
#[put("/v1/admin/users/{id}/plan")]
async fn set_plan(
    identity: Identity,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<SetPlanRequest>,
) -> Result<HttpResponse, Problem> {
    let user = identity.set_plan(&caller, &id, body.0.plan).await?;
    Ok(personal(HttpResponse::Ok().json(user)))
}

/// Limit a user to venues (admin)
///
/// Staff, kitchen and courier accounts limited to venues see and act on those venues' orders,
/// tickets and deliveries only, and manage only those venues; `null` (or left out): every
/// venue. Admins always work everywhere.
#[utoipa::path(
    tag = "identity",
    extensions(("x-audit-target" = json!("user"))),
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id", example = "usr_0193a5c27d1e7cc09a513e0b8f0e2f11")),
    request_body = SetVenuesRequest,
    responses(
        (status = 200, description = "The user with their venues", body = UserView),
    )
)]
#[put("/v1/admin/users/{id}/venues")]
async fn set_venues(
    identity: Identity,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<SetVenuesRequest>,
) -> Result<HttpResponse, Problem> {
    let user = identity.set_venues(&caller, &id, body.0.venue_ids).await?;
    Ok(personal(HttpResponse::Ok().json(user)))
}

/// Set a user's roles (admin)
///
/// Replaces the user's roles; `customer` is always kept. Admins cannot drop their own admin
/// role.
#[utoipa::path(
    tag = "identity",
    extensions(("x-audit-target" = json!("user"))),
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id", example = "usr_0193a5c27d1e7cc09a513e0b8f0e2f11")),
    request_body = SetRolesRequest,
    responses(
        (status = 200, description = "The user with new roles", body = UserView),
        (status = 409, description = "An admin tried to drop their own admin role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/v1/admin/users/{id}/roles")]
async fn set_roles(
    identity: Identity,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<SetRolesRequest>,
) -> Result<HttpResponse, Problem> {
    let user = identity.set_roles(&caller, &id, body.0.roles).await?;
    Ok(personal(HttpResponse::Ok().json(user)))
}
