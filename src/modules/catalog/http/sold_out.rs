//! Sold out until a time, portions counted down, and back again.

use actix_web::{HttpResponse, delete, put, web};

use super::{Catalog, item_etag, with_etag};
use crate::modules::catalog::api::{MenuItem, SoldOut, Stock};
use crate::modules::identity::api::Call;
use crate::platform::http::extract::{ValidJson, ValidQuery};
use crate::platform::problem::Problem;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(sell_out)
        .service(bring_back)
        .service(set_stock)
        .service(sell_out_option)
        .service(bring_back_option);
}

fn answer(item: MenuItem) -> HttpResponse {
    with_etag(HttpResponse::Ok().json(&item), &item_etag(&item))
}

/// Sell a menu item out until a time (staff)
///
/// It comes back by itself at `until` — by default when the venue opens on its next day, in
/// its time zone — and can be ordered for after that meanwhile. Announced to partners as
/// `catalog.availability_changed`, as is its return.
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Item id")),
    request_body = SoldOut,
    responses((status = 200, description = "The item, sold out", body = MenuItem))
)]
#[put("/v1/catalog/items/{id}/sold-out")]
async fn sell_out(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<SoldOut>,
) -> Result<HttpResponse, Problem> {
    Ok(answer(catalog.sell_out(&caller, &id, body.0).await?))
}

/// Bring a sold-out menu item back now (staff)
///
/// At `venue_id` only, or everywhere (every venue's sell-out ends too).
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Item id"), AtVenue),
    responses((status = 200, description = "The item, back", body = MenuItem))
)]
#[delete("/v1/catalog/items/{id}/sold-out")]
async fn bring_back(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    venue: ValidQuery<AtVenue>,
) -> Result<HttpResponse, Problem> {
    Ok(answer(
        catalog.bring_back(&caller, &id, venue.0.venue_id).await?,
    ))
}

/// The venue a change is about.
#[derive(Debug, Clone, Default, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AtVenue {
    /// Bringing back: at this venue only (everywhere when left out). Counting down: the
    /// venue whose next day an item with nothing left is sold out until (the default
    /// venue's when left out).
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    venue_id: Option<String>,
}

/// Count a menu item's portions down (staff)
///
/// Each paid order takes its quantity; at 0 the item sells out until the venue's next day
/// and comes back then, uncounted. `null` stops counting. A line asking for more than is
/// left is refused (`not_enough_left`).
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Item id"), AtVenue),
    request_body = Stock,
    responses((status = 200, description = "The item with its portions left", body = MenuItem))
)]
#[put("/v1/catalog/items/{id}/stock")]
async fn set_stock(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    venue: ValidQuery<AtVenue>,
    body: ValidJson<Stock>,
) -> Result<HttpResponse, Problem> {
    let item = catalog
        .set_stock(&caller, &id, body.0.quantity, venue.0.venue_id)
        .await?;
    Ok(answer(item))
}

/// Sell an option out until a time (staff)
///
/// Like an item: by default until the venue's next day; answers the item holding it.
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Option id")),
    request_body = SoldOut,
    responses((status = 200, description = "The item holding the option", body = MenuItem))
)]
#[put("/v1/catalog/options/{id}/sold-out")]
async fn sell_out_option(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<SoldOut>,
) -> Result<HttpResponse, Problem> {
    Ok(answer(catalog.sell_out_option(&caller, &id, body.0).await?))
}

/// Bring a sold-out option back now (staff)
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Option id")),
    responses((status = 200, description = "The item holding the option", body = MenuItem))
)]
#[delete("/v1/catalog/options/{id}/sold-out")]
async fn bring_back_option(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    Ok(answer(catalog.bring_back_option(&caller, &id).await?))
}
