//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::platform::db::Db;
use crate::platform::http::cache;
use crate::platform::http::extract::ValidQuery;
use crate::platform::problem::Problem;
use crate::platform::validation::FieldError;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ready", "remote": [{"module": "kitchen", "circuit": "closed"}]}))]
pub struct Health {
    /// `ok` from /healthz, `ready` from /readyz.
    #[schema(example = "ok")]
    status: &'static str,
    /// /readyz in a process that calls modules hosted elsewhere: each one's circuit. This
    /// process stays ready whatever their state: the rest of Brigade keeps serving.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 16)]
    remote: Vec<RemoteState>,
}

/// A module hosted in another process, as this one sees it.
#[derive(Serialize, ToSchema)]
pub struct RemoteState {
    #[schema(max_length = 32, example = "kitchen")]
    module: &'static str,
    circuit: crate::platform::remote::Circuit,
}

/// What this process hosts (the migrations it is ready with) and the modules it reaches in
/// other processes.
#[derive(Clone, Default)]
pub struct Hosted {
    pub scope: crate::platform::db::MigrationScope,
    pub remotes: Vec<std::sync::Arc<crate::platform::remote::RemoteModule>>,
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
    uncached(HttpResponse::Ok().json(Health {
        status: "ok",
        remote: Vec::new(),
    }))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Readiness {
    /// Check only these modules' tables (and the platform's), comma-separated, e.g.
    /// `kitchen,delivery` (`gateway` names the edge's own); without it, those of every
    /// module this process hosts.
    #[validate(length(min = 1, max = 256))]
    #[param(min_length = 1, max_length = 256, example = "kitchen,delivery")]
    modules: Option<String>,
}

/// Readiness probe
///
/// 200 when the database answers and every migration is applied (or those of `modules`);
/// 503 otherwise, so a load balancer stops sending traffic here.
#[utoipa::path(
    tag = "operations",
    security(()),
    params(Readiness),
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database is unreachable or not migrated", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(
    db: web::Data<Db>,
    hosted: web::Data<Hosted>,
    query: ValidQuery<Readiness>,
) -> Result<HttpResponse, Problem> {
    let scope = match &query.0.modules {
        None => hosted.scope.clone(),
        Some(list) => {
            let names: Vec<String> = list.split(',').map(|n| n.trim().to_owned()).collect();
            super::migration_scope(&names).map_err(|why| {
                Problem::validation(vec![FieldError::new("modules", "unknown", why)])
            })?
        }
    };
    db.check_ready(scope).await.map_err(|e| {
        tracing::warn!(error = %e, "not ready");
        Problem::service_unavailable("the database is unreachable or not fully migrated")
    })?;
    Ok(uncached(
        HttpResponse::Ok().json(Health {
            status: "ready",
            remote: hosted
                .remotes
                .iter()
                .map(|r| RemoteState {
                    module: r.module(),
                    circuit: r.circuit(),
                })
                .collect(),
        }),
    ))
}
