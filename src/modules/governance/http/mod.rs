//! Governance's HTTP operations: thin handlers over [`GovernanceApi`].

mod usage;

use actix_web::{HttpResponse, get, web};

use super::api::{AuditPage, AuditQuery, GovernanceApi, Inventory};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::extract::ValidQuery;
use crate::platform::problem::Problem;

type Governance = web::Data<dyn GovernanceApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(inventory)
        .service(audit)
        .service(usage::admin_usage)
        .service(usage::admin_usage_export)
        .service(usage::api_key_usage);
}

/// The API inventory (admin)
///
/// Every module (version, owner, purpose, dependencies), every operation (visibility,
/// scopes, rate-limit plans, deprecation), every event type (payload schema, producer,
/// consumers) and the plans — generated from the code and the live OpenAPI document.
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    responses((status = 200, description = "The inventory", body = Inventory))
)]
#[get("/v1/admin/inventory")]
async fn inventory(governance: Governance, caller: Call) -> Result<HttpResponse, Problem> {
    Ok(with_policy(
        HttpResponse::Ok().json(governance.inventory(&caller).await?),
        UNCACHEABLE,
    ))
}

/// The audit trail (admin)
///
/// Every write by staff, kitchen, couriers and admins — who, what, when, on which target,
/// with the outcome and a summary of the target before and after — newest first.
#[utoipa::path(
    tag = "governance",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of audit entries", body = AuditPage))
)]
#[get("/v1/admin/audit")]
async fn audit(
    governance: Governance,
    caller: Call,
    query: ValidQuery<AuditQuery>,
) -> Result<HttpResponse, Problem> {
    let page = governance.audit(&caller, query.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&page), UNCACHEABLE))
}
