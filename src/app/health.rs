//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::db::Db;
use crate::platform::http::cache;
use crate::platform::problem::Problem;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// `ok` from /healthz, `ready` from /readyz.
    #[schema(example = "ok")]
    status: &'static str,
}

fn uncached(res: HttpResponse) -> HttpResponse {
    cache::with_policy(res, cache::UNCACHEABLE)
}

/// Liveness probe
///
/// 200 whenever the process can answer HTTP. Does not touch the database.
#[utoipa::path(
    tag = "operations",
    security(()),
    responses((status = 200, description = "The process is alive", body = Health))
)]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    uncached(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// Readiness probe
///
/// 200 when the database answers and every migration is applied; 503 otherwise, so a load
/// balancer stops sending traffic here.
#[utoipa::path(
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database is unreachable or not migrated", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(db: web::Data<Db>) -> Result<HttpResponse, Problem> {
    db.check_ready().await.map_err(|e| {
        tracing::warn!(error = %e, "not ready");
        Problem::service_unavailable("the database is unreachable or not fully migrated")
    })?;
    Ok(uncached(
        HttpResponse::Ok().json(Health { status: "ready" }),
    ))
}
