//! Delivery's HTTP operations: thin handlers over [`DeliveryApi`].

use actix_web::{HttpResponse, get, post, web};

use super::api::{Delivery, DeliveryApi, DeliveryFilter, DeliveryPage, Location, Tracking};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::extract::{ValidJson, ValidQuery};
use crate::platform::problem::Problem;

type Deliveries = web::Data<dyn DeliveryApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_deliveries)
        .service(claim_delivery)
        .service(pick_up_delivery)
        .service(ping_delivery)
        .service(deliver_delivery)
        .service(track);
}

fn ok(delivery: Delivery) -> HttpResponse {
    with_policy(HttpResponse::Ok().json(&delivery), UNCACHEABLE)
}

/// List deliveries (courier, staff)
#[utoipa::path(
    tag = "delivery",
    security(("bearer" = []), ("api_key" = ["delivery"])),
    params(DeliveryFilter),
    responses((status = 200, description = "A page of deliveries, oldest first", body = DeliveryPage))
)]
#[get("/v1/deliveries")]
async fn list_deliveries(
    deliveries: Deliveries,
    caller: Call,
    filter: ValidQuery<DeliveryFilter>,
) -> Result<HttpResponse, Problem> {
    let page = deliveries.list(&caller, filter.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&page), UNCACHEABLE))
}

/// Claim a delivery (courier)
#[utoipa::path(
    tag = "delivery",
    security(("bearer" = []), ("api_key" = ["delivery"])),
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 200, description = "The delivery, now yours", body = Delivery),
        (status = 409, description = "Already claimed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/deliveries/{id}/claim")]
async fn claim_delivery(
    deliveries: Deliveries,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    Ok(ok(deliveries.claim(&caller, &id).await?))
}

/// Pick the order up at the counter (the claiming courier)
#[utoipa::path(
    tag = "delivery",
    security(("bearer" = []), ("api_key" = ["delivery"])),
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 200, description = "The delivery, on its way", body = Delivery),
        (status = 409, description = "Not claimed yet, or already picked up", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/deliveries/{id}/pickup")]
async fn pick_up_delivery(
    deliveries: Deliveries,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    Ok(ok(deliveries.pick_up(&caller, &id).await?))
}

/// Report the courier's position (the claiming courier)
#[utoipa::path(
    tag = "delivery",
    security(("bearer" = []), ("api_key" = ["delivery"])),
    params(("id" = String, Path, description = "Delivery id")),
    request_body = Location,
    responses(
        (status = 200, description = "The delivery with its new position", body = Delivery),
        (status = 409, description = "Not on its way", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/deliveries/{id}/location")]
async fn ping_delivery(
    deliveries: Deliveries,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<Location>,
) -> Result<HttpResponse, Problem> {
    Ok(ok(deliveries.ping(&caller, &id, body.0).await?))
}

/// Hand the order over at the door (the claiming courier)
#[utoipa::path(
    tag = "delivery",
    security(("bearer" = []), ("api_key" = ["delivery"])),
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 200, description = "The delivery, delivered", body = Delivery),
        (status = 409, description = "Not picked up", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/deliveries/{id}/deliver")]
async fn deliver_delivery(
    deliveries: Deliveries,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    Ok(ok(deliveries.deliver(&caller, &id).await?))
}

/// Track a delivery
///
/// Public: status, ETA and last position only — no names, addresses or order contents.
#[utoipa::path(
    tag = "delivery",
    security(()),
    params(("code" = String, Path, description = "Tracking code")),
    responses((status = 200, description = "Where the delivery is", body = Tracking))
)]
#[get("/v1/track/{code}")]
async fn track(deliveries: Deliveries, code: web::Path<String>) -> Result<HttpResponse, Problem> {
    let tracking = deliveries.track(&code).await?;
    Ok(with_policy(HttpResponse::Ok().json(&tracking), UNCACHEABLE))
}
