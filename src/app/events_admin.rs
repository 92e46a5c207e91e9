//! Operators' view of event delivery: subscriptions' progress and dead letters (admin).

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::event_operations::EventOperations;
use crate::modules::identity::api::Call;
use crate::platform::events::{DeadLetter, SubscriptionHealth};
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::extract::ValidQuery;
use crate::platform::pagination;
use crate::platform::problem::Problem;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_subscriptions)
        .service(outbox_health)
        .service(list_dead_letters)
        .service(redrive_dead_letter);
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "kitchen<-ordering", "position": 42, "attempts": 0, "last_error": "",
    "leased_by": "", "leased_until": "2026-11-21T12:00:10Z"}))]
pub struct SubscriptionState {
    /// `consumer<-producer`.
    pub name: String,
    /// Outbox position delivered up to.
    pub position: i64,
    /// Failed attempts on the next event (0 when healthy).
    pub attempts: i32,
    pub last_error: String,
    /// The replica delivering it, and until when it holds it.
    pub leased_by: String,
    pub leased_until: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionList {
    pub data: Vec<SubscriptionState>,
}

crate::page_of! {
    DeadLetterPage of DeadLetter
}

crate::paged_query! {
    #[derive(Debug, Default, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct DeadLetterQuery {
    }
}

/// Every process's event delivery (see `event_operations`).
type Operations = web::Data<dyn EventOperations>;

/// Event subscriptions and their progress (admin)
#[utoipa::path(
    tag = "operations",
    security(("bearer" = []), ("api_key" = ["admin"])),
    responses((status = 200, description = "Every subscription", body = SubscriptionList))
)]
#[get("/v1/admin/events/subscriptions")]
async fn list_subscriptions(ops: Operations, caller: Call) -> Result<HttpResponse, Problem> {
    let data = ops.subscriptions(&caller).await?;
    Ok(with_policy(
        HttpResponse::Ok().json(SubscriptionList { data }),
        UNCACHEABLE,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxHealth {
    pub data: Vec<SubscriptionHealth>,
}

/// Outbox health: backlog and dead letters per subscription (admin)
#[utoipa::path(
    tag = "operations",
    security(("bearer" = []), ("api_key" = ["admin"])),
    responses((status = 200, description = "Every subscription's backlog", body = OutboxHealth))
)]
#[get("/v1/admin/events/health")]
async fn outbox_health(ops: Operations, caller: Call) -> Result<HttpResponse, Problem> {
    let data = ops.health(&caller).await?;
    Ok(with_policy(
        HttpResponse::Ok().json(OutboxHealth { data }),
        UNCACHEABLE,
    ))
}

/// List dead-lettered events (admin)
///
/// Events a consumer failed on `events.max_attempts` times, newest first.
#[utoipa::path(
    tag = "operations",
    security(("bearer" = []), ("api_key" = ["admin"])),
    params(DeadLetterQuery),
    responses((status = 200, description = "A page of dead letters", body = DeadLetterPage))
)]
#[get("/v1/admin/events/dead-letters")]
async fn list_dead_letters(
    ops: Operations,
    caller: Call,
    query: ValidQuery<DeadLetterQuery>,
) -> Result<HttpResponse, Problem> {
    let (limit, after) = pagination::parse::<String>(query.0.limit, query.0.cursor.as_deref())
        .map_err(Problem::validation)?;
    let rows = ops.dead_letters(&caller, after, limit + 1).await?;
    let (data, next_cursor) = pagination::split(rows, limit, |d| d.id.clone());
    Ok(with_policy(
        HttpResponse::Ok().json(DeadLetterPage { data, next_cursor }),
        UNCACHEABLE,
    ))
}

/// Re-drive a dead-lettered event (admin)
///
/// Hands the event to its consumer again now; consumers are idempotent, so this is safe.
#[utoipa::path(
    tag = "operations",
    security(("bearer" = []), ("api_key" = ["admin"])),
    params(("id" = String, Path, description = "Dead letter id")),
    responses(
        (status = 200, description = "Delivered; `redriven_at` is set", body = DeadLetter),
        (status = 409, description = "Already re-driven, or the consumer failed again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/admin/events/dead-letters/{id}/redrive")]
async fn redrive_dead_letter(
    ops: Operations,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let letter = ops.redrive(&caller, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(letter), UNCACHEABLE))
}
