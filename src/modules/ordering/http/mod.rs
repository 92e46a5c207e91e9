//! Ordering's HTTP operations: thin handlers over [`OrderingApi`].

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::api::{NewOrder, Order, OrderFilter, OrderPage, OrderingApi, Quote, QuoteRequest};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{PERSONAL, with_policy};
use crate::platform::http::extract::{ValidJson, ValidQuery};
use crate::platform::http::sse;
use crate::platform::problem::Problem;

type Ordering = web::Data<dyn OrderingApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(place_order)
        .service(list_orders)
        .service(get_order)
        .service(cancel_order)
        .service(hand_over_order)
        .service(order_stream)
        .service(quote_basket);
}

/// Place an order
///
/// Prices, tax, delivery fee and total are computed here from the current menu; any line
/// that cannot be ordered (unknown or sold-out item, bad options, quantity) is named in the
/// 422 problem's `errors`.
#[utoipa::path(
    tag = "ordering",
    security(("bearer" = []), ("api_key" = ["orders:write"])),
    request_body = NewOrder,
    responses(
        (status = 201, description = "Order placed", body = Order),
        (status = 409, description = "Too many unpaid orders", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orders")]
async fn place_order(
    req: HttpRequest,
    ordering: Ordering,
    caller: Call,
    body: ValidJson<NewOrder>,
) -> Result<HttpResponse, Problem> {
    let request_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let order = ordering.place(&caller, body.0, request_key).await?;
    Ok(with_policy(
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/v1/orders/{}", order.id)))
            .json(&order),
        PERSONAL,
    ))
}

/// Quote a basket
///
/// What the basket would cost at the venue and when it would be ready (`promised_at`), were
/// it placed now: its make-minutes shared among the venue's makers, behind the orders the
/// kitchen already has, plus a busy venue's extra minutes. With `scheduled_for`, the slot
/// holding it, if it can still take an order. Nothing is placed or held; placing the order
/// is refused for the same reasons as the quote (409 `venue_closed`, `venue_paused`,
/// `venue_busy`, `slot_full`, … with `available_at` where one exists).
#[utoipa::path(
    tag = "ordering",
    security(("bearer" = []), ("api_key" = ["orders:write"])),
    params(("id" = String, Path, description = "Venue id")),
    request_body = QuoteRequest,
    responses(
        (status = 200, description = "The quote", body = Quote),
        (status = 409, description = "The venue cannot take this order now", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/venues/{id}/quote")]
async fn quote_basket(
    ordering: Ordering,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<QuoteRequest>,
) -> Result<HttpResponse, Problem> {
    let quote = ordering.quote(&caller, &id, body.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&quote), PERSONAL))
}

/// List orders
///
/// Customers get their own orders; staff get every order and may filter by customer.
/// Newest first.
#[utoipa::path(
    tag = "ordering",
    security(("bearer" = []), ("api_key" = ["orders:read"])),
    params(OrderFilter),
    responses((status = 200, description = "A page of orders", body = OrderPage))
)]
#[get("/v1/orders")]
async fn list_orders(
    ordering: Ordering,
    caller: Call,
    filter: ValidQuery<OrderFilter>,
) -> Result<HttpResponse, Problem> {
    let page = ordering.list(&caller, filter.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&page), PERSONAL))
}

/// Get an order
///
/// Another customer's order is 404, exactly like one that does not exist.
#[utoipa::path(
    tag = "ordering",
    security(("bearer" = []), ("api_key" = ["orders:read"])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, description = "The order", body = Order))
)]
#[get("/v1/orders/{id}")]
async fn get_order(
    ordering: Ordering,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let order = ordering.get(&caller, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(&order), PERSONAL))
}

/// Cancel an order
///
/// Customers may cancel until preparation starts, staff until the order is completed. A paid
/// order is refunded in full.
#[utoipa::path(
    tag = "ordering",
    extensions(("x-audit-target" = json!("order"))),
    security(("bearer" = []), ("api_key" = ["orders:write"])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The cancelled order", body = Order),
        (status = 409, description = "The order can no longer be cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orders/{id}/cancel")]
async fn cancel_order(
    ordering: Ordering,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let order = ordering.cancel(&caller, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(&order), PERSONAL))
}

/// Hand a ready pickup order over (staff)
#[utoipa::path(
    tag = "ordering",
    extensions(("x-audit-target" = json!("order"))),
    security(("bearer" = []), ("api_key" = ["orders:write"])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order, now picked up", body = Order),
        (status = 409, description = "The order is not ready, or is for delivery", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orders/{id}/hand-over")]
async fn hand_over_order(
    ordering: Ordering,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let order = ordering.hand_over(&caller, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(&order), PERSONAL))
}

/// Live status of an order
///
/// Server-Sent Events: first an `order.snapshot` with the current status, then every
/// `order.status_changed` (with its position as `id`) until the client disconnects.
/// Reconnect with `Last-Event-ID` to get the changes missed meanwhile.
#[utoipa::path(
    tag = "ordering",
    security(("bearer" = []), ("api_key" = ["orders:read"])),
    params(
        ("id" = String, Path, description = "Order id"),
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id"),
    ),
    responses((status = 200, description = "An endless event stream", content_type = "text/event-stream", body = String))
)]
#[get("/v1/orders/{id}/stream")]
async fn order_stream(
    req: HttpRequest,
    ordering: Ordering,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let after = match sse::last_event_id(&req) {
        Some(after) => after,
        None => ordering.feed_head().await?,
    };
    let order = ordering.get(&caller, &id).await?;
    let snapshot = serde_json::json!({"order_id": order.id, "status": order.status});
    let first = format!("event: order.snapshot\ndata: {snapshot}\n\n");
    let (ordering, id) = (ordering.into_inner(), id.into_inner());
    Ok(sse::response(
        &req,
        after,
        vec![first.into()],
        move |after| {
            let (ordering, id) = (ordering.clone(), id.clone());
            async move {
                ordering
                    .status_feed(&id, after)
                    .await
                    .map_err(|e| e.to_string())
            }
        },
    ))
}
