use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::modules::venues::api::WeeklyHours;
use crate::platform::lenient;

/// Why an item cannot be ordered at the time asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnavailableReason {
    /// Staff took it off the menu.
    NotOffered,
    /// The venue does not offer it (see `venue_ids`).
    NotAtThisVenue,
    /// Sold out, or its counted portions ran out.
    SoldOut,
    /// Not served at that time (breakfast after 11:00).
    OutsideItsHours,
}

/// Why an item cannot be ordered at the time asked, and from when it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"reason": "outside_its_hours", "until": "2026-12-04T06:00:00Z"}))]
pub struct Unavailability {
    pub reason: UnavailableReason,
    /// When it can be ordered again, if known (within a week).
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11", "name": "Coffee",
    "description": "Espresso-based drinks", "position": 1, "make_minutes": 3, "schedule": null, "version": 1,
    "created_at": "2026-11-21T09:30:00Z", "updated_at": "2026-11-21T09:30:00Z"
}))]
pub struct Category {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Order on the menu, lowest first.
    pub position: i32,
    /// Minutes one of its items takes to make, unless the item says otherwise.
    pub make_minutes: i32,
    /// When its items are served, on each venue's clock, unless an item says otherwise;
    /// `null`: whenever the venue is open.
    pub schedule: Option<WeeklyHours>,
    /// Increases with every change; the `ETag` is derived from it.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Coffee", "description": "Espresso-based drinks", "position": 1, "make_minutes": 3}))]
pub struct NewCategory {
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub description: String,
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    #[serde(default, deserialize_with = "lenient::integer")]
    pub position: i32,
    /// Minutes one of its items takes to make, unless the item says otherwise.
    #[validate(range(min = 0, max = 240))]
    #[schema(minimum = 0, maximum = 240, default = 0)]
    #[serde(default, deserialize_with = "lenient::integer")]
    pub make_minutes: i32,
    /// When its items are served (breakfast: 07:00–11:00 every day); left out: whenever the
    /// venue is open.
    #[serde(default)]
    pub schedule: Option<WeeklyHours>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Hot coffee"}))]
pub struct CategoryPatch {
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: Option<String>,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    pub position: Option<i32>,
    #[validate(range(min = 0, max = 240))]
    #[schema(minimum = 0, maximum = 240)]
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    pub make_minutes: Option<i32>,
    /// `null`: served whenever the venue is open.
    #[serde(default, deserialize_with = "lenient::present")]
    #[schema(nullable)]
    pub schedule: Option<Option<WeeklyHours>>,
}

/// One choice inside an option group, e.g. "Oat milk" (+40).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OptionChoice {
    pub id: String,
    pub name: String,
    /// Added to the item's price when chosen, in minor units (may be negative).
    pub price_delta: i64,
    /// Whether it can be chosen now (`false` while sold out).
    pub available: bool,
    /// Sold out until then, when it comes back by itself.
    pub sold_out_until: Option<DateTime<Utc>>,
}

/// A set of choices such as size or milk, with how many may be picked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OptionGroup {
    pub id: String,
    pub name: String,
    pub min_choices: i32,
    pub max_choices: i32,
    pub options: Vec<OptionChoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f11", "category_id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "name": "Flat white", "description": "Double ristretto, steamed milk", "price": 380,
    "currency": "EUR", "tags": ["vegetarian"], "available": true, "sold_out_until": null,
    "stock": null, "position": 2,
    "station": "bar", "make_minutes": 4, "effective_make_minutes": 4, "schedule": null, "venue_ids": null, "venue_prices": {}, "timed_prices": [],
    "sold_out_at_venues": {}, "unavailable": null, "version": 1,
    "option_groups": [{"id": "grp_0193a5c27d1e7cc09a513e0b8f0e2f12", "name": "Milk", "min_choices": 0, "max_choices": 1,
        "options": [{"id": "opt_0193a5c27d1e7cc09a513e0b8f0e2f13", "name": "Oat", "price_delta": 40,
            "available": true, "sold_out_until": null}]}],
    "created_at": "2026-11-21T09:30:00Z", "updated_at": "2026-11-21T09:30:00Z"
}))]
pub struct MenuItem {
    pub id: String,
    pub category_id: String,
    pub name: String,
    pub description: String,
    /// Price in minor units of `currency` (cents for EUR); on a venue's menu and in its
    /// orders, the price in force there at the time asked: a `timed_prices` window's, else
    /// the venue's own when `venue_prices` names it.
    pub price: i64,
    /// The venues offering it; `null`: every venue.
    pub venue_ids: Option<Vec<String>>,
    /// Its price at a venue instead of `price`, by venue id.
    #[schema(schema_with = venue_price_map)]
    pub venue_prices: BTreeMap<String, i64>,
    /// Prices in force at set times on each venue's clock (happy hour); the first window
    /// holding the time wins over `price` and `venue_prices`.
    pub timed_prices: Vec<TimedPrice>,
    /// ISO 4217 code.
    pub currency: String,
    /// Diet and allergen labels, e.g. `vegan`, `contains-nuts`.
    pub tags: Vec<String>,
    /// Whether it can be ordered now: offered by staff, not sold out, portions left.
    pub available: bool,
    /// Sold out until then; it comes back by itself at that time (and can be ordered for
    /// later). `null` when not sold out, or not offered at all. On a venue's menu and in its
    /// orders, its sell-out there counts too.
    pub sold_out_until: Option<DateTime<Utc>>,
    /// Sold out at these venues only, until then, by venue id.
    #[schema(schema_with = venue_until_map)]
    pub sold_out_at_venues: BTreeMap<String, DateTime<Utc>>,
    /// Portions left, when counted down: each paid order takes its quantity, and at 0 the
    /// item sells out until the venue's next day. `null`: not counted.
    pub stock: Option<i32>,
    pub position: i32,
    /// The kitchen station that prepares it, e.g. `bar`, `kitchen`, `pastry`.
    pub station: String,
    /// Minutes one takes to make, as set on the item; `null`: its category's.
    pub make_minutes: Option<i32>,
    /// Minutes one takes to make: the item's own, or its category's. Quotes and promised
    /// times add these up.
    pub effective_make_minutes: i32,
    /// When it is served, on the venue's clock, as set on the item; `null`: its category's.
    pub schedule: Option<WeeklyHours>,
    /// Why it cannot be ordered, and from when it can; `null` when it can. The catalog's
    /// own item endpoints answer for now and leave serving hours out (they depend on the
    /// venue's clock); a venue's menu and ordering count them, at the time asked.
    pub unavailable: Option<Unavailability>,
    pub version: i32,
    pub option_groups: Vec<OptionGroup>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Oat", "price_delta": 40}))]
pub struct NewOption {
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[validate(range(min = -1000000, max = 1000000))]
    #[schema(minimum = -1000000, maximum = 1000000)]
    #[serde(default, deserialize_with = "lenient::integer")]
    pub price_delta: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Milk", "min_choices": 0, "max_choices": 1,
    "options": [{"name": "Whole", "price_delta": 0}, {"name": "Oat", "price_delta": 40}]}))]
pub struct NewOptionGroup {
    #[validate(length(min = 1, max = 80))]
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50)]
    #[serde(default, deserialize_with = "lenient::integer")]
    pub min_choices: i32,
    #[validate(range(min = 1, max = 50))]
    #[schema(minimum = 1, maximum = 50)]
    #[serde(deserialize_with = "lenient::integer")]
    pub max_choices: i32,
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub options: Vec<NewOption>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "category_id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11", "name": "Flat white",
    "description": "Double ristretto, steamed milk", "price": 380, "currency": "EUR",
    "tags": ["vegetarian"], "station": "bar", "make_minutes": 4,
    "option_groups": [{"name": "Milk", "min_choices": 0, "max_choices": 1,
        "options": [{"name": "Oat", "price_delta": 40}]}]
}))]
pub struct NewItem {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub category_id: String,
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    #[serde(default)]
    pub description: String,
    #[validate(range(min = 0, max = 10000000))]
    #[schema(minimum = 0, maximum = 10000000)]
    #[serde(deserialize_with = "lenient::integer")]
    pub price: i64,
    /// ISO 4217 code, e.g. `EUR`.
    #[schema(
        pattern = "^[A-Z]{3}$",
        min_length = 3,
        max_length = 3,
        example = "EUR"
    )]
    pub currency: String,
    #[validate(length(max = 20))]
    #[schema(schema_with = tag_list)]
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default = "yes")]
    pub available: bool,
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    #[serde(default, deserialize_with = "lenient::integer")]
    pub position: i32,
    #[schema(pattern = "^[a-z][a-z0-9-]{0,31}$", max_length = 32, example = "bar")]
    pub station: String,
    /// Minutes one takes to make; left out or `null`: its category's.
    #[validate(range(min = 0, max = 240))]
    #[schema(minimum = 0, maximum = 240)]
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    pub make_minutes: Option<i32>,
    /// When it is served; left out or `null`: its category's.
    #[serde(default)]
    pub schedule: Option<WeeklyHours>,
    /// The venues offering it; left out or `null`: every venue.
    #[validate(length(max = 100))]
    #[schema(schema_with = venue_id_list)]
    #[serde(default)]
    pub venue_ids: Option<Vec<String>>,
    /// Its price at a venue instead of `price`, by venue id.
    #[serde(default)]
    #[schema(schema_with = venue_price_map)]
    pub venue_prices: BTreeMap<String, i64>,
    /// Prices in force at set times (happy hour), at every venue on its clock.
    #[serde(default)]
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    pub timed_prices: Vec<TimedPrice>,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    #[serde(default)]
    pub option_groups: Vec<NewOptionGroup>,
}

fn yes() -> bool {
    true
}

/// Venue ids, or `null` for every venue.
fn venue_id_list() -> utoipa::openapi::schema::Array {
    crate::platform::openapi::nullable_id_list(100)
}

/// An object keyed by venue id (at most 100) whose values are `value`.
fn by_venue(value: utoipa::openapi::ObjectBuilder, description: &str) -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, schema::Type};
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64)),
        ))
        .additional_properties(Some(value))
        .max_properties(Some(100))
        .description(Some(description))
        .build()
}

fn venue_until_map() -> utoipa::openapi::Object {
    use utoipa::openapi::{KnownFormat, ObjectBuilder, SchemaFormat, schema::Type};
    by_venue(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .max_length(Some(64)),
        "Until when, by venue id.",
    )
}

fn venue_price_map() -> utoipa::openapi::Object {
    use utoipa::openapi::{KnownFormat, ObjectBuilder, SchemaFormat, schema::Type};
    by_venue(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(0))
            .maximum(Some(10_000_000)),
        "Prices in minor units, by venue id.",
    )
}

/// Fields to change; absent fields stay as they are. `option_groups`, when present, replaces
/// every group (their option ids change).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"price": 400, "tags": ["vegetarian", "contains-milk"]}))]
pub struct ItemPatch {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub category_id: Option<String>,
    #[validate(length(min = 1, max = 120))]
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    #[validate(length(max = 1000))]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    #[validate(range(min = 0, max = 10000000))]
    #[schema(minimum = 0, maximum = 10000000)]
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    pub price: Option<i64>,
    #[schema(pattern = "^[A-Z]{3}$", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
    #[validate(length(max = 20))]
    #[schema(schema_with = tag_list_or_null)]
    pub tags: Option<Vec<String>>,
    pub available: Option<bool>,
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    pub position: Option<i32>,
    #[schema(pattern = "^[a-z][a-z0-9-]{0,31}$", max_length = 32)]
    pub station: Option<String>,
    /// Minutes one takes to make; `null`: its category's from now on.
    #[schema(minimum = 0, maximum = 240, nullable, value_type = Option<i32>)]
    #[serde(default, deserialize_with = "lenient::present_integer")]
    pub make_minutes: Option<Option<i32>>,
    /// When it is served; `null`: its category's from now on.
    #[serde(default, deserialize_with = "lenient::present")]
    #[schema(nullable)]
    pub schedule: Option<Option<WeeklyHours>>,
    /// The venues offering it; `null`: every venue from now on.
    #[serde(default, deserialize_with = "lenient::present")]
    #[schema(schema_with = venue_id_list)]
    pub venue_ids: Option<Option<Vec<String>>>,
    /// Replaces every venue's price; `{}`: its own price everywhere.
    #[schema(schema_with = venue_price_map)]
    pub venue_prices: Option<BTreeMap<String, i64>>,
    /// Replaces every timed price; `[]`: none.
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    pub timed_prices: Option<Vec<TimedPrice>>,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub option_groups: Option<Vec<NewOptionGroup>>,
}

/// A price in force at set times, on each venue's clock: happy hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"hours": {"monday": [{"opens": "17:00", "closes": "19:00"}],
    "tuesday": [], "wednesday": [], "thursday": [], "friday": [{"opens": "17:00", "closes": "19:00"}],
    "saturday": [], "sunday": []}, "price": 250}))]
pub struct TimedPrice {
    /// When it is in force, per weekday.
    pub hours: WeeklyHours,
    /// Minor units of the item's currency.
    #[validate(range(min = 0, max = 10000000))]
    #[schema(minimum = 0, maximum = 10000000)]
    #[serde(deserialize_with = "lenient::integer")]
    pub price: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"available": false}))]
pub struct AvailabilityRequest {
    pub available: bool,
}

/// Sold out until a time, when it comes back by itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"until": "2026-12-04T07:00:00Z"}))]
pub struct SoldOut {
    /// When it comes back; left out: when the venue opens on its next day, in its time zone.
    /// A time already passed brings it back now.
    #[schema(max_length = 64)]
    pub until: Option<DateTime<Utc>>,
    /// Sold out at this venue only, and by default until its next day; left out: at every
    /// venue, by default until the default venue's (`ven_default`) next day.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub venue_id: Option<String>,
}

/// Portions left to sell; `null` stops counting.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"quantity": 12}))]
pub struct Stock {
    #[validate(range(max = 100000))]
    #[schema(maximum = 100000)]
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    pub quantity: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MenuCategory {
    pub id: String,
    pub name: String,
    pub description: String,
    pub items: Vec<MenuItem>,
}

/// The available menu, grouped by category in menu order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"categories": [{
    "id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11", "name": "Coffee",
    "description": "Espresso drinks from our own roast",
    "items": [{
        "id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f14", "category_id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11",
        "name": "Espresso", "description": "A double shot of house espresso", "price": 250,
        "currency": "EUR", "tags": ["vegan"], "available": true, "sold_out_until": null, "stock": null,
        "position": 0, "station": "bar",
        "make_minutes": null, "effective_make_minutes": 2, "schedule": null, "venue_ids": null, "venue_prices": {}, "timed_prices": [],
        "sold_out_at_venues": {}, "unavailable": null, "version": 1, "option_groups": [],
        "created_at": "2026-11-21T09:30:00Z", "updated_at": "2026-11-21T09:30:00Z"
    }]
}]}))]
pub struct Menu {
    pub categories: Vec<MenuCategory>,
}

crate::paged_query! {
    /// `?limit=&cursor=` on every list.
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct PageRequest {
    }
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct ItemFilter {
        /// Only items of this category.
        #[validate(length(min = 1, max = 64))]
        #[param(min_length = 1, max_length = 64)]
        pub category_id: Option<String>,
        /// Only items carrying this tag.
        #[validate(length(min = 1, max = 32))]
        #[param(min_length = 1, max_length = 32)]
        pub tag: Option<String>,
        /// Only available (`true`) or unavailable (`false`) items.
        pub available: Option<bool>,
    }
}

crate::page_of! {
    ItemPage of MenuItem, example = serde_json::json!({"data": [{
    "id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f14", "category_id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "name": "Espresso", "description": "A double shot of house espresso", "price": 250,
    "currency": "EUR", "tags": ["vegan"], "available": true, "sold_out_until": null, "stock": null,
        "position": 0, "station": "bar",
    "make_minutes": null, "effective_make_minutes": 2, "schedule": null, "venue_ids": null, "venue_prices": {}, "timed_prices": [],
        "sold_out_at_venues": {}, "unavailable": null, "version": 1, "option_groups": [],
    "created_at": "2026-11-21T09:30:00Z", "updated_at": "2026-11-21T09:30:00Z"
}], "next_cursor": "WzAsIml0bV8wMTkzYTVjMjdkMWU3Y2MwOWE1MTNlMGI4ZjBlMmYxNCJd"})
}

crate::page_of! {
    CategoryPage of Category, example = serde_json::json!({"data": [{
    "id": "cat_0193a5c27d1e7cc09a513e0b8f0e2f11", "name": "Coffee",
    "description": "Espresso drinks from our own roast", "position": 0, "make_minutes": 2, "schedule": null,
    "version": 1,
    "created_at": "2026-11-21T09:30:00Z", "updated_at": "2026-11-21T09:30:00Z"
}], "next_cursor": null})
}

/// Diet and allergen labels: up to 20, each 1-32 letters, digits or dashes (normalised to
/// lower case).
fn tag_list() -> utoipa::openapi::schema::Array {
    crate::platform::openapi::string_list(0, 20, 32, None)
}

/// A patch's tags: null, like leaving them out, keeps the item's tags (utoipa drops
/// `nullable` beside `schema_with`).
fn tag_list_or_null() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{SchemaType, Type};
    let mut list = tag_list();
    list.schema_type = SchemaType::from_iter([Type::Array, Type::Null]);
    list
}

/// The menu a venue serves at a time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MenuAt {
    /// The instant to ask about (RFC 3339); now when left out.
    pub at: Option<DateTime<Utc>>,
}
