//! Catalog's HTTP operations: thin handlers over [`CatalogApi`].

mod menu_body;
mod sold_out;

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};

use super::api::{
    AvailabilityRequest, CatalogApi, Category, CategoryPage, CategoryPatch, ItemFilter, ItemPage,
    ItemPatch, Menu, MenuAt, MenuItem, NewCategory, NewItem, PageRequest,
};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{UNCACHEABLE, with_policy};
use crate::platform::http::etag;
use crate::platform::http::extract::{ValidJson, ValidQuery};
use crate::platform::problem::Problem;

type Catalog = web::Data<dyn CatalogApi>;

/// How long clients and shared caches may reuse the public menu without asking again.
const MENU_MAX_AGE_SECS: u32 = 30;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    // One per worker: each serialises a new menu once.
    cfg.app_data(web::Data::new(menu_body::MenuBody::default()))
        .service(menu)
        .service(list_categories)
        .service(create_category)
        .service(get_category)
        .service(update_category)
        .service(delete_category)
        .service(list_items)
        .service(create_item)
        .service(get_item)
        .service(update_item)
        .service(delete_item)
        .service(set_availability)
        .service(venue_menu)
        .configure(sold_out::routes);
}

fn item_etag(item: &MenuItem) -> String {
    etag::for_version("item", &item.id, item.version)
}

fn category_etag(c: &Category) -> String {
    etag::for_version("category", &c.id, c.version)
}

fn with_etag(mut res: HttpResponse, tag: &str) -> HttpResponse {
    if let Ok(v) = header::HeaderValue::from_str(tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The menu
///
/// Every item the default venue can serve now (offered, not sold out, within its serving
/// hours), grouped by category in menu order. Public and cacheable: send the `ETag` back as
/// `If-None-Match` to get a 304 when nothing changed.
#[utoipa::path(
    tag = "catalog",
    security(()),
    responses(
        (status = 200, description = "The available menu", body = Menu,
            headers(("ETag" = String, description = "Entity tag of this menu version"))),
        (status = 304, description = "The menu has not changed since the `If-None-Match` tag"),
    )
)]
#[get("/v1/menu")]
async fn menu(
    catalog: Catalog,
    body: web::Data<menu_body::MenuBody>,
) -> Result<HttpResponse, Problem> {
    let snapshot = body
        .render(catalog.menu().await?)
        .map_err(|e| Problem::internal(&e))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(MENU_MAX_AGE_SECS),
        ]))
        .insert_header((header::ETAG, snapshot.etag.clone()))
        .body(snapshot.json.clone()))
}

/// A venue's menu at a time
///
/// What the venue will serve at `at` (now when left out), on its own clock: breakfast items
/// until their hours end, sold-out items once they are back. Ordering checks the same for
/// the time an order is wanted.
#[utoipa::path(
    tag = "catalog",
    security(()),
    params(("id" = String, Path, description = "Venue id"), MenuAt),
    responses((status = 200, description = "The menu in force then", body = Menu))
)]
#[get("/v1/venues/{id}/menu")]
async fn venue_menu(
    catalog: Catalog,
    id: web::Path<String>,
    query: ValidQuery<MenuAt>,
) -> Result<HttpResponse, Problem> {
    let served = catalog.menu_at(&id, query.0.at).await?;
    Ok(with_policy(HttpResponse::Ok().json(&served), UNCACHEABLE))
}

/// List categories
#[utoipa::path(
    tag = "catalog",
    security(()),
    params(PageRequest),
    responses((status = 200, description = "A page of categories in menu order", body = CategoryPage))
)]
#[get("/v1/catalog/categories")]
async fn list_categories(
    catalog: Catalog,
    page: ValidQuery<PageRequest>,
) -> Result<HttpResponse, Problem> {
    Ok(HttpResponse::Ok().json(catalog.list_categories(page.0).await?))
}

/// Create a category (staff)
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    request_body = NewCategory,
    responses(
        (status = 201, description = "Category created", body = Category),
        (status = 409, description = "A category with this name exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/catalog/categories")]
async fn create_category(
    catalog: Catalog,
    caller: Call,
    body: ValidJson<NewCategory>,
) -> Result<HttpResponse, Problem> {
    let category = catalog.create_category(&caller, body.0).await?;
    Ok(with_etag(
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/v1/catalog/categories/{}", category.id),
            ))
            .json(&category),
        &category_etag(&category),
    ))
}

/// Get a category
#[utoipa::path(
    tag = "catalog",
    security(()),
    params(("id" = String, Path, description = "Category id")),
    responses(
        (status = 200, description = "The category", body = Category,
            headers(("ETag" = String, description = "Send as `If-Match` to update safely"))),
        (status = 304, description = "Not modified since the `If-None-Match` tag"),
    )
)]
#[get("/v1/catalog/categories/{id}")]
async fn get_category(catalog: Catalog, id: web::Path<String>) -> Result<HttpResponse, Problem> {
    let category = catalog.category(&id).await?;
    Ok(with_etag(
        HttpResponse::Ok().json(&category),
        &category_etag(&category),
    ))
}

/// Update a category (staff)
///
/// Send the `ETag` you read as `If-Match` to refuse the change (412) when someone else changed
/// the category in between.
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("category"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(
        ("id" = String, Path, description = "Category id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read"),
    ),
    request_body = CategoryPatch,
    responses(
        (status = 200, description = "The updated category", body = Category),
        (status = 409, description = "A category with this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The category changed since the `If-Match` tag", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/catalog/categories/{id}")]
async fn update_category(
    req: HttpRequest,
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<CategoryPatch>,
) -> Result<HttpResponse, Problem> {
    let expected = etag::expected_version(&req, "category", &id);
    let category = catalog
        .update_category(&caller, &id, body.0, expected)
        .await?;
    Ok(with_etag(
        HttpResponse::Ok().json(&category),
        &category_etag(&category),
    ))
}

/// Delete a category (staff)
///
/// Only an empty category can be deleted.
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("category"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Category id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "The category still has items", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/catalog/categories/{id}")]
async fn delete_category(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    catalog.delete_category(&caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List menu items
///
/// Filter by category, tag or availability; pages follow `next_cursor`.
#[utoipa::path(
    tag = "catalog",
    security(()),
    params(ItemFilter),
    responses((status = 200, description = "A page of items", body = ItemPage))
)]
#[get("/v1/catalog/items")]
async fn list_items(
    catalog: Catalog,
    filter: ValidQuery<ItemFilter>,
) -> Result<HttpResponse, Problem> {
    Ok(HttpResponse::Ok().json(catalog.list_items(filter.0).await?))
}

/// Create a menu item (staff)
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    request_body = NewItem,
    responses((status = 201, description = "Item created", body = MenuItem))
)]
#[post("/v1/catalog/items")]
async fn create_item(
    catalog: Catalog,
    caller: Call,
    body: ValidJson<NewItem>,
) -> Result<HttpResponse, Problem> {
    let item = catalog.create_item(&caller, body.0).await?;
    Ok(with_etag(
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/v1/catalog/items/{}", item.id)))
            .json(&item),
        &item_etag(&item),
    ))
}

/// Get a menu item
#[utoipa::path(
    tag = "catalog",
    security(()),
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = MenuItem,
            headers(("ETag" = String, description = "Send as `If-Match` to update safely"))),
        (status = 304, description = "Not modified since the `If-None-Match` tag"),
    )
)]
#[get("/v1/catalog/items/{id}")]
async fn get_item(catalog: Catalog, id: web::Path<String>) -> Result<HttpResponse, Problem> {
    let item = catalog.item(&id).await?;
    Ok(with_etag(HttpResponse::Ok().json(&item), &item_etag(&item)))
}

/// Update a menu item (staff)
///
/// Absent fields stay as they are; `option_groups` replaces all groups. Send the `ETag` you
/// read as `If-Match` to get 412 instead of overwriting someone else's change.
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(
        ("id" = String, Path, description = "Item id"),
        ("If-Match" = Option<String>, Header, description = "ETag from a previous read"),
    ),
    request_body = ItemPatch,
    responses(
        (status = 200, description = "The updated item", body = MenuItem),
        (status = 412, description = "The item changed since the `If-Match` tag", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/catalog/items/{id}")]
async fn update_item(
    req: HttpRequest,
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<ItemPatch>,
) -> Result<HttpResponse, Problem> {
    let expected = etag::expected_version(&req, "item", &id);
    let item = catalog.update_item(&caller, &id, body.0, expected).await?;
    Ok(with_etag(HttpResponse::Ok().json(&item), &item_etag(&item)))
}

/// Mark a menu item available or sold out (staff)
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Item id")),
    request_body = AvailabilityRequest,
    responses((status = 200, description = "The item with its new availability", body = MenuItem))
)]
#[put("/v1/catalog/items/{id}/availability")]
async fn set_availability(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<AvailabilityRequest>,
) -> Result<HttpResponse, Problem> {
    let item = catalog
        .set_availability(&caller, &id, body.0.available)
        .await?;
    Ok(with_etag(HttpResponse::Ok().json(&item), &item_etag(&item)))
}

/// Delete a menu item (staff)
#[utoipa::path(
    tag = "catalog",
    extensions(("x-audit-target" = json!("catalog item"))),
    security(("bearer" = []), ("api_key" = ["menu:write"])),
    params(("id" = String, Path, description = "Item id")),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/v1/catalog/items/{id}")]
async fn delete_item(
    catalog: Catalog,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    catalog.delete_item(&caller, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
