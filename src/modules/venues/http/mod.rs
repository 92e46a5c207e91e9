//! Venues' HTTP operations: thin handlers over [`VenuesApi`].

use actix_web::http::header;
use actix_web::{HttpResponse, get, patch, post, put, web};

use super::api::{
    NewVenue, Opening, OpeningQuery, SlotList, SlotQuery, Venue, VenueFilter, VenuePage,
    VenuePatch, VenueState, VenuesApi,
};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::extract::{ValidJson, ValidQuery};
use crate::platform::problem::Problem;

type Venues = web::Data<dyn VenuesApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_venues)
        .service(create_venue)
        .service(get_venue)
        .service(update_venue)
        .service(set_venue_state)
        .service(venue_opening)
        .service(venue_slots);
}

fn ok(venue: Venue) -> HttpResponse {
    with_policy(HttpResponse::Ok().json(&venue), UNCACHEABLE)
}

/// List venues
#[utoipa::path(
    tag = "venues",
    security(()),
    params(VenueFilter),
    responses((status = 200, description = "A page of venues", body = VenuePage))
)]
#[get("/v1/venues")]
async fn list_venues(
    venues: Venues,
    filter: ValidQuery<VenueFilter>,
) -> Result<HttpResponse, Problem> {
    Ok(with_policy(
        HttpResponse::Ok().json(venues.list(filter.0).await?),
        UNCACHEABLE,
    ))
}

/// Open a venue (staff)
///
/// Hours are local times in the venue's `time_zone`; leave `hours` out for a venue open
/// around the clock.
#[utoipa::path(
    tag = "venues",
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    request_body = NewVenue,
    responses((status = 201, description = "The venue", body = Venue))
)]
#[post("/v1/venues")]
async fn create_venue(
    venues: Venues,
    caller: Call,
    body: ValidJson<NewVenue>,
) -> Result<HttpResponse, Problem> {
    let venue = venues.create(&caller, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/venues/{}", venue.id)))
        .json(&venue))
}

/// Get a venue
#[utoipa::path(
    tag = "venues",
    security(()),
    params(("id" = String, Path, description = "Venue id (`ven_default` for the first one)")),
    responses((status = 200, description = "The venue", body = Venue))
)]
#[get("/v1/venues/{id}")]
async fn get_venue(venues: Venues, id: web::Path<String>) -> Result<HttpResponse, Problem> {
    Ok(ok(venues.get(&id).await?))
}

/// Change a venue's name, address, time zone, hours or exceptions (staff)
#[utoipa::path(
    tag = "venues",
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Venue id")),
    request_body = VenuePatch,
    responses((status = 200, description = "The venue", body = Venue))
)]
#[patch("/v1/venues/{id}")]
async fn update_venue(
    venues: Venues,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<VenuePatch>,
) -> Result<HttpResponse, Problem> {
    Ok(ok(venues.update(&caller, &id, body.0).await?))
}

/// Make a venue busy, pause it, or take orders as usual again (staff)
///
/// Publishes `venue.state_changed`, which partners can receive by webhook. Paused: every
/// order is refused (`venue_paused`); busy with `refuse_asap`: orders for as soon as possible
/// are refused (`venue_busy`).
#[utoipa::path(
    tag = "venues",
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Venue id")),
    request_body = VenueState,
    responses((status = 200, description = "The venue in its new state", body = Venue))
)]
#[put("/v1/venues/{id}/state")]
async fn set_venue_state(
    venues: Venues,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<VenueState>,
) -> Result<HttpResponse, Problem> {
    Ok(ok(venues.set_state(&caller, &id, body.0).await?))
}

/// Whether a venue is open at an instant (now by default), until when, or when it opens next
#[utoipa::path(
    tag = "venues",
    security(()),
    params(("id" = String, Path, description = "Venue id"), OpeningQuery),
    responses((status = 200, description = "Open or closed, and the next change", body = Opening))
)]
#[get("/v1/venues/{id}/opening")]
async fn venue_opening(
    venues: Venues,
    id: web::Path<String>,
    query: ValidQuery<OpeningQuery>,
) -> Result<HttpResponse, Problem> {
    Ok(with_policy(
        HttpResponse::Ok().json(venues.opening(&id, query.0.at).await?),
        UNCACHEABLE,
    ))
}

/// A day's order-ahead slots at a venue, with the places left in each
///
/// Slots are counted from the venue's local midnight; one that cannot take an order says
/// why (`closed`, `full`, `too_soon`, `past_cutoff`). Place a scheduled order with
/// `scheduled_for` set to a slot's `starts_at`.
#[utoipa::path(
    tag = "venues",
    security(()),
    params(("id" = String, Path, description = "Venue id"), SlotQuery),
    responses((status = 200, description = "The day's slots", body = SlotList))
)]
#[get("/v1/venues/{id}/slots")]
async fn venue_slots(
    venues: Venues,
    id: web::Path<String>,
    query: ValidQuery<SlotQuery>,
) -> Result<HttpResponse, Problem> {
    Ok(with_policy(
        HttpResponse::Ok().json(venues.slots(&id, query.0).await?),
        UNCACHEABLE,
    ))
}
