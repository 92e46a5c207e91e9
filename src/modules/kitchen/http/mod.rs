//! Kitchen's HTTP operations: thin handlers over [`KitchenApi`].

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::api::{KitchenApi, StreamQuery, Ticket, TicketFilter, TicketPage};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::extract::ValidQuery;
use crate::platform::http::sse;
use crate::platform::problem::Problem;

type Kitchen = web::Data<dyn KitchenApi>;

/// Who works the stations.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_tickets)
        .service(start_line)
        .service(finish_line)
        .service(kitchen_stream);
}

/// List kitchen tickets (kitchen, staff)
///
/// Oldest first. `order_id` finds the ticket of an order; `station` shows one station's work.
#[utoipa::path(
    tag = "kitchen",
    security(("bearer" = []), ("api_key" = ["kitchen"])),
    params(TicketFilter),
    responses((status = 200, description = "A page of tickets", body = TicketPage))
)]
#[get("/v1/kitchen/tickets")]
async fn list_tickets(
    kitchen: Kitchen,
    caller: Call,
    filter: ValidQuery<TicketFilter>,
) -> Result<HttpResponse, Problem> {
    let page = kitchen.tickets(&caller, filter.0).await?;
    Ok(with_policy(HttpResponse::Ok().json(&page), UNCACHEABLE))
}

/// Start preparing a line (kitchen, staff)
#[utoipa::path(
    tag = "kitchen",
    security(("bearer" = []), ("api_key" = ["kitchen"])),
    params(
        ("id" = String, Path, description = "Ticket id"),
        ("line_id" = String, Path, description = "Line id"),
    ),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 409, description = "The line was already started, or the ticket is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/kitchen/tickets/{id}/lines/{line_id}/start")]
async fn start_line(
    kitchen: Kitchen,
    caller: Call,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let ticket = kitchen.start_line(&caller, &path.0, &path.1).await?;
    Ok(with_policy(HttpResponse::Ok().json(&ticket), UNCACHEABLE))
}

/// Finish a line (kitchen, staff)
///
/// The last line done makes the ticket, and the order, ready.
#[utoipa::path(
    tag = "kitchen",
    security(("bearer" = []), ("api_key" = ["kitchen"])),
    params(
        ("id" = String, Path, description = "Ticket id"),
        ("line_id" = String, Path, description = "Line id"),
    ),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 409, description = "The line was not started, or the ticket is closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/kitchen/tickets/{id}/lines/{line_id}/done")]
async fn finish_line(
    kitchen: Kitchen,
    caller: Call,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let ticket = kitchen.finish_line(&caller, &path.0, &path.1).await?;
    Ok(with_policy(HttpResponse::Ok().json(&ticket), UNCACHEABLE))
}

/// Live kitchen feed (kitchen, staff)
///
/// Server-Sent Events: `ticket.created`, `ticket.started`, `ticket.line_started`,
/// `ticket.line_done`, `ticket.ready`, `ticket.cancelled`, each with its outbox position as
/// `id`. Reconnect with `Last-Event-ID` to get exactly what was missed; without it the feed
/// starts from now. `station` narrows it to one station's work.
#[utoipa::path(
    tag = "kitchen",
    security(("bearer" = []), ("api_key" = ["kitchen"])),
    params(
        StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id"),
    ),
    responses((status = 200, description = "An endless event stream", content_type = "text/event-stream", body = String))
)]
#[get("/v1/kitchen/stream")]
async fn kitchen_stream(
    req: HttpRequest,
    kitchen: Kitchen,
    caller: Call,
    query: ValidQuery<StreamQuery>,
) -> Result<HttpResponse, Problem> {
    let cook = caller;
    // Checked before the stream opens, so a refusal is a 403 rather than an empty stream.
    let head = kitchen.feed_head(&cook).await?;
    let after = sse::last_event_id(&req).unwrap_or(head);
    let kitchen = kitchen.into_inner();
    let station = query.0.station;
    Ok(sse::response(&req, after, Vec::new(), move |after| {
        let (kitchen, station, cook) = (kitchen.clone(), station.clone(), cook.clone());
        async move {
            kitchen
                .feed(&cook, station, after)
                .await
                .map_err(|e| e.to_string())
        }
    }))
}
