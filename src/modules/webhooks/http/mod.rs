//! Webhooks' HTTP operations: thin handlers over [`WebhooksApi`].

use actix_web::{HttpResponse, delete, get, post, web};

use super::api::{
    EventTypeList, NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryQuery,
    WebhookEndpointList, WebhookEndpointWithSecret, WebhooksApi,
};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{PERSONAL, UNCACHEABLE, with_policy};
use crate::platform::http::extract::{ValidJson, ValidQuery};
use crate::platform::http::shown_once;
use crate::platform::problem::Problem;

type Webhooks = web::Data<dyn WebhooksApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_event_types)
        .service(create_endpoint)
        .service(list_endpoints)
        .service(delete_endpoint)
        .service(rotate_secret)
        .service(list_webhook_deliveries)
        .service(redeliver);
}

/// List the event types webhooks carry
///
/// Every event an endpoint may subscribe to, with the JSON Schema of its `data`. Each
/// delivery's body is `{"type", "timestamp", "data"}`; the document's `webhooks` section
/// describes each one. Any signed-in caller may read it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    responses((status = 200, description = "The event catalogue", body = EventTypeList))
)]
#[get("/v1/webhooks/event-types")]
async fn list_event_types(webhooks: Webhooks, caller: Call) -> Result<HttpResponse, Problem> {
    let list = webhooks.event_types(&caller).await?;
    Ok(with_policy(HttpResponse::Ok().json(&list), PERSONAL))
}

/// Register a webhook endpoint (staff)
///
/// Brigade POSTs the chosen events to `url`, signed per Standard Webhooks (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`).
/// The URL must be https and resolve to public addresses only. The signing secret is shown
/// once.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    request_body = NewWebhookEndpoint,
    responses(
        (status = 201, description = "Registered; keep the secret", body = WebhookEndpointWithSecret),
        (status = 409, description = "Too many endpoints for this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/webhooks/endpoints")]
async fn create_endpoint(
    webhooks: Webhooks,
    caller: Call,
    body: ValidJson<NewWebhookEndpoint>,
) -> Result<HttpResponse, Problem> {
    let owner = &caller;
    let created = webhooks.create(owner, body.0).await?;
    Ok(shown_once::mark(with_policy(
        HttpResponse::Created()
            .insert_header((
                "Location",
                format!("/v1/webhooks/endpoints/{}", created.endpoint.id),
            ))
            .json(&created),
        UNCACHEABLE,
    )))
}

/// List my webhook endpoints (staff)
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    responses((status = 200, description = "The caller's endpoints", body = WebhookEndpointList))
)]
#[get("/v1/webhooks/endpoints")]
async fn list_endpoints(webhooks: Webhooks, caller: Call) -> Result<HttpResponse, Problem> {
    let owner = &caller;
    let list = webhooks.list(owner).await?;
    Ok(with_policy(HttpResponse::Ok().json(&list), PERSONAL))
}

/// Delete a webhook endpoint (staff)
///
/// Its pending deliveries are dropped with it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    params(("id" = String, Path, description = "WebhookEndpoint id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/v1/webhooks/endpoints/{id}")]
async fn delete_endpoint(
    webhooks: Webhooks,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let owner = &caller;
    webhooks.delete(owner, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate an endpoint's signing secret (staff)
///
/// Returns the new secret (shown once). Until `previous_secret_expires_at`, deliveries carry
/// a signature with each secret, so receivers can switch without missing one.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    params(("id" = String, Path, description = "WebhookEndpoint id")),
    responses((status = 200, description = "The new secret", body = WebhookEndpointWithSecret))
)]
#[post("/v1/webhooks/endpoints/{id}/rotate-secret")]
async fn rotate_secret(
    webhooks: Webhooks,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let owner = &caller;
    let rotated = webhooks.rotate_secret(owner, &id).await?;
    Ok(shown_once::mark(with_policy(
        HttpResponse::Ok().json(&rotated),
        UNCACHEABLE,
    )))
}

/// An endpoint's delivery log (staff)
///
/// Newest first, each with its attempts (status code or error, duration).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    params(("id" = String, Path, description = "WebhookEndpoint id"), WebhookDeliveryQuery),
    responses((status = 200, description = "A page of deliveries", body = WebhookDeliveryPage))
)]
#[get("/v1/webhooks/endpoints/{id}/deliveries")]
async fn list_webhook_deliveries(
    webhooks: Webhooks,
    caller: Call,
    id: web::Path<String>,
    query: ValidQuery<WebhookDeliveryQuery>,
) -> Result<HttpResponse, Problem> {
    let owner = &caller;
    let page = webhooks.deliveries(owner, &id, query.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&page), UNCACHEABLE))
}

/// Send a delivery again (staff)
///
/// Queues it now with the same `webhook-id`, whatever happened before.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("api_key" = ["webhooks"])),
    params(("id" = String, Path, description = "Delivery id (the webhook-id)")),
    responses(
        (status = 200, description = "Queued", body = WebhookDelivery),
        (status = 409, description = "The endpoint is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/webhooks/deliveries/{id}/redeliver")]
async fn redeliver(
    webhooks: Webhooks,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let owner = &caller;
    let delivery = webhooks.redeliver(owner, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(&delivery), UNCACHEABLE))
}
