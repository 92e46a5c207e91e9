use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::platform::lenient;

/// One opening period, local times `HH:MM`. A `closes` at or before `opens` is the next day
/// (`22:00`–`02:00`); `closes` may be `24:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opens": "07:00", "closes": "18:00"}))]
pub struct Period {
    #[schema(
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        min_length = 5,
        max_length = 5,
        example = "07:00"
    )]
    pub opens: String,
    #[schema(
        pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
        min_length = 5,
        max_length = 5,
        example = "18:00"
    )]
    pub closes: String,
}

fn periods() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(<Period as utoipa::PartialSchema>::schema())
        .max_items(Some(6))
        .build()
}

/// Opening periods per weekday, in the venue's time zone. A day left out or empty is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "monday": [{"opens": "07:00", "closes": "18:00"}], "tuesday": [{"opens": "07:00", "closes": "18:00"}],
    "wednesday": [{"opens": "07:00", "closes": "18:00"}], "thursday": [{"opens": "07:00", "closes": "18:00"}],
    "friday": [{"opens": "07:00", "closes": "14:00"}, {"opens": "18:00", "closes": "01:00"}],
    "saturday": [{"opens": "08:00", "closes": "15:00"}], "sunday": []
}))]
pub struct WeeklyHours {
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub monday: Vec<Period>,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub tuesday: Vec<Period>,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub wednesday: Vec<Period>,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub thursday: Vec<Period>,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub friday: Vec<Period>,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub saturday: Vec<Period>,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub sunday: Vec<Period>,
}

impl WeeklyHours {
    /// The days' names as fields, Monday first.
    pub const DAY_NAMES: [&'static str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];

    /// Monday first.
    pub fn days(&self) -> [&[Period]; 7] {
        [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ]
    }
}

/// A date whose hours replace the week's: closed (no periods) or special hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-25", "periods": [], "note": "Christmas"}))]
pub struct DateHours {
    #[schema(max_length = 10, example = "2026-12-25")]
    pub date: NaiveDate,
    #[serde(default)]
    #[schema(schema_with = periods)]
    pub periods: Vec<Period>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// Taking orders as usual, busy (longer waits, or no ASAP orders), or paused (no orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum VenueMode {
    Open,
    Busy,
    Paused,
}

/// What staff set when the floor is swamped or must stop taking orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mode": "busy", "busy_minutes": 15, "refuse_asap": false}))]
pub struct VenueState {
    pub mode: VenueMode,
    /// Busy: minutes added to every promised time.
    #[serde(default, deserialize_with = "lenient::integer")]
    #[validate(range(max = 240))]
    #[schema(maximum = 240)]
    pub busy_minutes: u32,
    /// Busy: refuse orders for as soon as possible (scheduled ones still come in).
    #[serde(default)]
    pub refuse_asap: bool,
}

impl Default for VenueState {
    fn default() -> Self {
        Self {
            mode: VenueMode::Open,
            busy_minutes: 0,
            refuse_asap: false,
        }
    }
}

/// How a venue takes orders ahead: slot length, how soon and how far ahead, capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slot_minutes": 15, "min_lead_minutes": 20, "max_days_ahead": 7,
    "pickup_orders_per_slot": 10, "delivery_orders_per_slot": 4,
    "pickup_make_minutes_per_slot": 60, "delivery_make_minutes_per_slot": null, "makers": 2,
    "max_asap_in_progress": 12}))]
pub struct Scheduling {
    /// Minutes per slot, counted from local midnight; divides a day.
    #[serde(
        default = "default_slot_minutes",
        deserialize_with = "lenient::integer"
    )]
    #[validate(range(min = 5, max = 120))]
    #[schema(minimum = 5, maximum = 120, default = 15)]
    pub slot_minutes: u32,
    /// A slot must start at least this many minutes after the order.
    #[serde(
        default = "default_min_lead_minutes",
        deserialize_with = "lenient::integer"
    )]
    #[validate(range(max = 1440))]
    #[schema(maximum = 1440, default = 15)]
    pub min_lead_minutes: u32,
    /// Orders are taken at most this many days ahead.
    #[serde(
        default = "default_max_days_ahead",
        deserialize_with = "lenient::integer"
    )]
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60, default = 7)]
    pub max_days_ahead: u32,
    /// Orders per pickup slot; `null`: no limit.
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    #[validate(range(max = 10000))]
    #[schema(maximum = 10000)]
    pub pickup_orders_per_slot: Option<u32>,
    /// Orders per delivery slot; `null`: no limit.
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    #[validate(range(max = 10000))]
    #[schema(maximum = 10000)]
    pub delivery_orders_per_slot: Option<u32>,
    /// Make-minutes (the kitchen work of its orders) per pickup slot; `null`: no limit. An
    /// empty slot still takes one order larger than this, so it can be scheduled at all.
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub pickup_make_minutes_per_slot: Option<u32>,
    /// Make-minutes per delivery slot; `null`: no limit.
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub delivery_make_minutes_per_slot: Option<u32>,
    /// People making orders at once: an order's make-minutes, and those of the orders ahead
    /// of it, are shared among them when it is quoted.
    #[serde(default = "default_makers", deserialize_with = "lenient::integer")]
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100, default = 1)]
    pub makers: u32,
    /// Orders for as soon as possible paid and not ready yet, at most; more are refused
    /// (`venue_busy`) until the kitchen catches up. `null`: no limit.
    #[serde(default, deserialize_with = "lenient::optional_integer")]
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub max_asap_in_progress: Option<u32>,
}

fn default_slot_minutes() -> u32 {
    15
}

fn default_min_lead_minutes() -> u32 {
    15
}

fn default_max_days_ahead() -> u32 {
    7
}

fn default_makers() -> u32 {
    1
}

impl Default for Scheduling {
    fn default() -> Self {
        Self {
            slot_minutes: default_slot_minutes(),
            min_lead_minutes: default_min_lead_minutes(),
            max_days_ahead: default_max_days_ahead(),
            pickup_orders_per_slot: None,
            delivery_orders_per_slot: None,
            pickup_make_minutes_per_slot: None,
            delivery_make_minutes_per_slot: None,
            makers: default_makers(),
            max_asap_in_progress: None,
        }
    }
}

/// How an order reaches its customer, as slots count it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum FulfillmentKind {
    #[default]
    Pickup,
    Delivery,
}

/// Why a slot cannot take an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlotReason {
    /// The venue is closed when it starts.
    Closed,
    /// It holds as many orders as it may, or has no room left for the order's
    /// make-minutes.
    Full,
    /// It starts sooner than `min_lead_minutes` from now.
    TooSoon,
    /// It starts further ahead than `max_days_ahead`.
    PastCutoff,
}

impl SlotReason {
    /// The machine code a refused order carries.
    pub fn code(self) -> &'static str {
        match self {
            Self::Closed => "venue_closed",
            Self::Full => "slot_full",
            Self::TooSoon => "slot_too_soon",
            Self::PastCutoff => "slot_past_cutoff",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"starts_at": "2026-12-04T07:15:00Z", "ends_at": "2026-12-04T07:30:00Z",
    "capacity": 10, "remaining": 0, "make_minutes_capacity": 60, "make_minutes_remaining": 12,
    "available": false, "reason": "full"}))]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Orders it may hold; `null`: no limit.
    pub capacity: Option<u32>,
    /// Places left; `null`: no limit.
    pub remaining: Option<u32>,
    /// Make-minutes it may hold; `null`: no limit.
    pub make_minutes_capacity: Option<u32>,
    /// Make-minutes left; `null`: no limit.
    pub make_minutes_remaining: Option<u32>,
    pub available: bool,
    /// Why it is not available.
    pub reason: Option<SlotReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"venue_id": "ven_default", "date": "2026-12-04", "time_zone": "Europe/Paris",
    "fulfillment": "pickup", "slot_minutes": 15, "slots": [{"starts_at": "2026-12-04T07:15:00Z",
    "ends_at": "2026-12-04T07:30:00Z", "capacity": 10, "remaining": 3, "make_minutes_capacity": null,
    "make_minutes_remaining": null, "available": true, "reason": null}]}))]
pub struct SlotList {
    pub venue_id: String,
    /// The venue's local date the slots cover.
    pub date: NaiveDate,
    pub time_zone: String,
    pub fulfillment: FulfillmentKind,
    pub slot_minutes: u32,
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// The venue's local date (`YYYY-MM-DD`).
    #[param(max_length = 10, example = "2026-12-04")]
    pub date: NaiveDate,
    /// `pickup` (default) or `delivery`.
    #[serde(default)]
    pub fulfillment: FulfillmentKind,
    /// The basket's make-minutes (a quote's `make_minutes`): slots without room for them
    /// say `full`. Without it, a slot with any room left is available.
    #[validate(range(max = 100000))]
    #[param(maximum = 100000, example = 12)]
    pub make_minutes: Option<u32>,
}

/// A slot asked for an order: the venue's slot holding `at` for `fulfillment`, with room
/// for `make_minutes` of kitchen work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotRequest {
    pub venue_id: String,
    pub fulfillment: FulfillmentKind,
    pub at: DateTime<Utc>,
    pub make_minutes: u32,
}

/// A place an order holds in a slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reservation {
    pub order_id: String,
    pub venue_id: String,
    pub fulfillment: FulfillmentKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "ven_default", "name": "Brigade Café", "address": "12 Rue des Lilas, 69003 Lyon",
    "time_zone": "Europe/Paris", "currency": "EUR",
    "hours": {"monday": [{"opens": "07:00", "closes": "18:00"}]},
    "exceptions": [{"date": "2026-12-25", "periods": [], "note": "Christmas"}],
    "state": {"mode": "open", "busy_minutes": 0, "refuse_asap": false},
    "scheduling": {"slot_minutes": 15, "min_lead_minutes": 15, "max_days_ahead": 7,
        "pickup_orders_per_slot": 10, "delivery_orders_per_slot": null, "makers": 2,
        "max_asap_in_progress": null}, "version": 3,
    "created_at": "2026-11-21T12:00:00Z", "updated_at": "2026-12-03T08:00:00Z"
}))]
pub struct Venue {
    pub id: String,
    pub name: String,
    pub address: String,
    /// IANA time zone its hours are in (`Europe/Paris`).
    pub time_zone: String,
    /// ISO 4217 code.
    pub currency: String,
    /// `null`: open around the clock (except on the exceptions' dates).
    pub hours: Option<WeeklyHours>,
    /// Closed days and special hours, by date.
    pub exceptions: Vec<DateHours>,
    pub state: VenueState,
    pub scheduling: Scheduling,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn exceptions() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::RefOr::from(
            utoipa::openapi::Ref::from_schema_name("DateHours"),
        ))
        .max_items(Some(366))
        .build()
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Brigade Café — Croix-Rousse", "address": "3 Place de la Croix-Rousse, 69004 Lyon",
    "time_zone": "Europe/Paris", "currency": "EUR",
    "hours": {"monday": [{"opens": "07:00", "closes": "18:00"}], "saturday": [{"opens": "08:00", "closes": "15:00"}]}
}))]
pub struct NewVenue {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    #[serde(default)]
    pub address: String,
    /// IANA time zone (`Europe/Paris`, `America/New_York`).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, example = "Europe/Paris")]
    pub time_zone: String,
    /// ISO 4217 code.
    #[validate(length(equal = 3))]
    #[schema(
        pattern = "^[A-Z]{3}$",
        min_length = 3,
        max_length = 3,
        example = "EUR"
    )]
    pub currency: String,
    /// Leave out for a venue open around the clock.
    #[serde(default)]
    pub hours: Option<WeeklyHours>,
    #[serde(default)]
    #[validate(length(max = 366))]
    #[schema(schema_with = exceptions)]
    pub exceptions: Vec<DateHours>,
    /// Orders ahead: slots and capacity (15-minute slots without limits when left out).
    #[serde(default)]
    #[validate(nested)]
    pub scheduling: Scheduling,
}

/// Absent fields stay as they are; `hours: null` makes the venue open around the clock;
/// `exceptions` replaces them all.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"exceptions": [{"date": "2026-12-24", "periods": [{"opens": "07:00", "closes": "14:00"}], "note": "Christmas Eve"}]}))]
pub struct VenuePatch {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    pub address: Option<String>,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub time_zone: Option<String>,
    #[validate(length(equal = 3))]
    #[schema(pattern = "^[A-Z]{3}$", min_length = 3, max_length = 3)]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::present")]
    #[schema(nullable)]
    pub hours: Option<Option<WeeklyHours>>,
    #[validate(length(max = 366))]
    #[schema(schema_with = exceptions)]
    pub exceptions: Option<Vec<DateHours>>,
    #[validate(nested)]
    pub scheduling: Option<Scheduling>,
}

/// Whether a venue takes orders at an instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "venue_id": "ven_default", "at": "2026-12-03T19:30:00Z", "open": false,
    "closes_at": null, "opens_at": "2026-12-04T06:00:00Z",
    "state": {"mode": "open", "busy_minutes": 0, "refuse_asap": false},
    "scheduling": {"slot_minutes": 15, "min_lead_minutes": 20, "max_days_ahead": 7,
        "pickup_orders_per_slot": 10, "delivery_orders_per_slot": 4, "makers": 2,
        "max_asap_in_progress": 12}
}))]
pub struct Opening {
    pub venue_id: String,
    pub at: DateTime<Utc>,
    /// Within its hours (whatever its state).
    pub open: bool,
    /// When open: when it closes (`null`: not within a year).
    pub closes_at: Option<DateTime<Utc>>,
    /// When closed: when it opens next (`null`: not within a year).
    pub opens_at: Option<DateTime<Utc>>,
    pub state: VenueState,
    /// How it takes orders: slots, makers and limits.
    pub scheduling: Scheduling,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpeningQuery {
    /// The instant to ask about (RFC 3339); now when left out.
    pub at: Option<DateTime<Utc>>,
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct VenueFilter {}
}

crate::page_of! {
    /// By id.
    VenuePage of Venue
}
