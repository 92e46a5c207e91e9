use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::platform::lenient;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"card_token": "tok_ok"}))]
pub struct PaymentRequest {
    /// A token from the card processor; card numbers never reach Brigade. Sandbox tokens:
    /// `tok_ok` (captured), `tok_declined`, `tok_insufficient_funds` (both 402), `tok_slow`
    /// (captured after a 100 ms round trip) and `tok_timeout` (the processor never answers:
    /// 504, the payment stays pending).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub card_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Card {
    pub brand: String,
    pub last4: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum PaymentStatus {
    /// Sent to the processor, no answer yet.
    Pending,
    Captured,
    Declined,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "pay_0193a5c27d1e7cc09a513e0b8f0e2f11", "order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "status": "captured", "amount": 924, "refunded_amount": 0, "currency": "EUR",
    "card": {"brand": "visa", "last4": "4242"}, "failure_reason": null,
    "created_at": "2026-11-21T12:00:00Z"
}))]
pub struct Payment {
    pub id: String,
    pub order_id: String,
    pub status: PaymentStatus,
    /// Always the order's total, in minor units.
    pub amount: i64,
    pub refunded_amount: i64,
    pub currency: String,
    /// Only brand and last four digits are ever kept.
    pub card: Option<Card>,
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What paying answered: the payment, and whether it is the first answer to this
/// `Idempotency-Key` replayed (nothing was charged again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayOutcome {
    pub payment: Payment,
    pub replayed: bool,
}

/// Every attempt to pay one order, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaymentList {
    #[schema(max_items = 100)]
    pub data: Vec<Payment>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": 420}))]
pub struct RefundRequest {
    /// Minor units; at most what was captured and not yet refunded.
    #[validate(range(min = 1, max = 100000000))]
    #[schema(minimum = 1, maximum = 100000000)]
    #[serde(deserialize_with = "lenient::integer")]
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "rfd_0193a5c27d1e7cc09a513e0b8f0e2f81", "payment_id": "pay_0193a5c27d1e7cc09a513e0b8f0e2f16",
    "amount": 500, "created_at": "2026-11-21T12:40:00Z"}))]
pub struct Refund {
    pub id: String,
    pub payment_id: String,
    pub amount: i64,
    pub created_at: DateTime<Utc>,
}
