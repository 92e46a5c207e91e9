use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::platform::{lenient, time_text};

/// Where a delivery goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"line1": "12 Rue des Lilas", "city": "Lyon", "postal_code": "69003", "country": "FR"}))]
pub struct Address {
    #[schema(min_length = 1, max_length = 200)]
    pub line1: String,
    #[schema(min_length = 1, max_length = 100)]
    pub city: String,
    #[schema(min_length = 1, max_length = 20)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 code.
    #[schema(pattern = "^[A-Z]{2}$", min_length = 2, max_length = 2)]
    pub country: String,
}

/// Collected at the counter, or delivered to an address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Fulfillment {
    Pickup,
    Delivery { address: Address },
}

impl Fulfillment {
    pub fn is_delivery(&self) -> bool {
        matches!(self, Fulfillment::Delivery { .. })
    }
}

fn option_ids() -> utoipa::openapi::schema::Array {
    crate::platform::openapi::string_list(0, 20, 64, None)
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub item_id: String,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    #[serde(deserialize_with = "lenient::integer")]
    pub quantity: u32,
    /// Ids of the chosen options (from the item's option groups).
    #[validate(length(max = 20))]
    #[schema(schema_with = option_ids)]
    #[serde(default)]
    pub options: Vec<String>,
}

/// A new order. Prices, totals, status and owner are the server's to decide: sending them is
/// refused as an unknown field.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "lines": [{"item_id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f11", "quantity": 2, "options": ["opt_0193a5c27d1e7cc09a513e0b8f0e2f12"]}],
    "fulfillment": {"type": "pickup"}, "note": "No sugar, please"
}))]
pub struct NewOrder {
    #[validate(length(min = 1, max = 200), nested)]
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<NewOrderLine>,
    pub fulfillment: Fulfillment,
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: String,
    /// The venue that prepares it; the default venue (`ven_default`) when left out.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    #[serde(default)]
    pub venue_id: Option<String>,
    /// Wanted at this time rather than as soon as possible: the order takes a place in the
    /// venue's slot holding it (`GET /v1/venues/{id}/slots`), or is refused with the reason
    /// and the next slot that can take it.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub scheduled_for: Option<DateTime<Utc>>,
}

/// A basket to quote: what placing it would cost and when it would be ready, without
/// placing it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "lines": [{"item_id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f11", "quantity": 2, "options": []}],
    "fulfillment": {"type": "pickup"}
}))]
pub struct QuoteRequest {
    #[validate(length(min = 1, max = 200), nested)]
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<NewOrderLine>,
    pub fulfillment: Fulfillment,
    /// Wanted at this time rather than as soon as possible: the quote is for the slot holding
    /// it, if that slot can take an order now.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub scheduled_for: Option<DateTime<Utc>>,
}

/// What a basket costs at a venue and when it would be ready, were it placed now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "venue_id": "ven_default", "scheduled_for": null, "promised_at": "2026-11-21T12:09:00Z",
    "make_minutes": 6, "prep_minutes": 6, "wait_minutes": 3, "busy_minutes": 0,
    "lines": [{"id": "lin_0193a5c27d1e7cc09a513e0b8f0e2f13", "item_id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "name": "Flat white", "quantity": 2, "unit_price": 380, "options": [], "line_total": 760, "station": "bar"}],
    "subtotal": 760, "tax": 76, "delivery_fee": 0, "total": 836, "currency": "EUR"
}))]
pub struct Quote {
    pub venue_id: String,
    /// The start of the slot a scheduled basket would hold; `null`: as soon as possible.
    pub scheduled_for: Option<DateTime<Utc>>,
    /// When it would be ready, for pickup or for a courier.
    pub promised_at: DateTime<Utc>,
    /// The kitchen work in the basket: each item's make time times its quantity. What a
    /// slot counts against its make-minutes capacity (`GET /v1/venues/{id}/slots?make_minutes=`).
    pub make_minutes: u32,
    /// Minutes the kitchen needs for this basket alone: its make-minutes shared among the
    /// venue's makers, never less than its longest item.
    pub prep_minutes: u32,
    /// Minutes the orders already in the kitchen add (0 for a scheduled basket).
    pub wait_minutes: u32,
    /// Minutes a busy venue adds (0 for a scheduled basket).
    pub busy_minutes: u32,
    pub lines: Vec<OrderLine>,
    pub subtotal: i64,
    pub tax: i64,
    pub delivery_fee: i64,
    pub total: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChosenOption {
    pub id: String,
    pub name: String,
    pub price_delta: i64,
}

/// A line as priced when the order was placed; later menu changes do not alter it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderLine {
    pub id: String,
    pub item_id: String,
    pub name: String,
    pub quantity: u32,
    /// Item price plus chosen option deltas, in minor units.
    pub unit_price: i64,
    pub options: Vec<ChosenOption>,
    pub line_total: i64,
    /// Kitchen station that prepares it.
    pub station: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Paid,
    InPreparation,
    Ready,
    PickedUp,
    OutForDelivery,
    Delivered,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f11", "customer_id": "usr_0193a5c27d1e7cc09a513e0b8f0e2f10",
    "venue_id": "ven_default", "scheduled_for": null, "promised_at": "2026-11-21T12:08:00Z",
    "eta": "2026-11-21T12:08:00Z", "prep_minutes": 6, "status": "placed", "lines": [{"id": "lin_0193a5c27d1e7cc09a513e0b8f0e2f13", "item_id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "name": "Flat white", "quantity": 2, "unit_price": 420, "options": [{"id": "opt_0193a5c27d1e7cc09a513e0b8f0e2f12", "name": "Oat", "price_delta": 40}],
    "line_total": 840, "station": "bar"}],
    "subtotal": 840, "tax": 84, "delivery_fee": 0, "total": 924, "currency": "EUR",
    "fulfillment": {"type": "pickup"}, "note": "No sugar, please", "tracking_code": null,
    "payments": [{"id": "pay_0193a5c27d1e7cc09a513e0b8f0e2f14", "status": "captured", "amount": 924,
    "refunded_amount": 0, "currency": "EUR", "failure_reason": null}],
    "created_at": "2026-11-21T12:00:00Z", "updated_at": "2026-11-21T12:00:00Z"
}))]
// Its timestamps are written by `time_text` (chrono's text, without its formatting): an
// order is written on every read and in every page of a list.
pub struct Order {
    pub id: String,
    pub customer_id: String,
    /// The venue that prepares it.
    pub venue_id: String,
    /// The start of the slot a scheduled order holds; `null`: as soon as possible.
    #[serde(serialize_with = "time_text::rfc3339_option")]
    pub scheduled_for: Option<DateTime<Utc>>,
    /// When it was promised ready, for pickup or for a courier: the slot of a scheduled
    /// order; for one as soon as possible, the quote when it was placed (its make time,
    /// the kitchen's orders ahead of it, a busy venue's extra minutes). `null` for orders
    /// placed before Brigade quoted.
    #[serde(serialize_with = "time_text::rfc3339_option")]
    pub promised_at: Option<DateTime<Utc>>,
    /// The current estimate: `promised_at` until the kitchen finishes, then when it did; for
    /// a delivery, when the courier is expected at the door once there is one.
    #[serde(serialize_with = "time_text::rfc3339_option")]
    pub eta: Option<DateTime<Utc>>,
    /// Minutes the kitchen needs for this order alone.
    pub prep_minutes: u32,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    /// Sum of line totals, in minor units of `currency`.
    pub subtotal: i64,
    pub tax: i64,
    pub delivery_fee: i64,
    /// What the customer pays: subtotal + tax + delivery fee.
    pub total: i64,
    pub currency: String,
    pub fulfillment: Fulfillment,
    pub note: String,
    /// Public tracking code, once a delivery exists.
    pub tracking_code: Option<String>,
    /// Charges settled for this order, oldest first, as the payments module reported them (a
    /// moment after they settle). `GET /v1/orders/{id}/payments` has every detail, pending
    /// charges included.
    pub payments: Vec<OrderPayment>,
    #[serde(serialize_with = "time_text::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time_text::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct OrderFilter {
        /// Only orders in this status.
        pub status: Option<OrderStatus>,
        /// Staff only: only this customer's orders.
        #[validate(length(min = 1, max = 64))]
        #[param(min_length = 1, max_length = 64)]
        pub customer_id: Option<String>,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum OrderPaymentStatus {
    Captured,
    /// Declined by the card processor, or refused (`failure_reason` says which).
    Failed,
}

/// One charge for an order, as ordering knows it from the payments module's events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderPayment {
    pub id: String,
    pub status: OrderPaymentStatus,
    /// In minor units of `currency`.
    pub amount: i64,
    /// How much of `amount` went back to the card so far.
    pub refunded_amount: i64,
    pub currency: String,
    /// Why a failed charge failed (`card_declined`, `insufficient_funds`, …).
    pub failure_reason: Option<String>,
}

crate::page_of! {
    /// Newest first.
    OrderPage of Order
}

/// What the payments module needs to charge an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayableOrder {
    pub id: String,
    pub customer_id: String,
    pub status: OrderStatus,
    pub total: i64,
    pub currency: String,
}
