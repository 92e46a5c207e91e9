//! Events payments publishes.

use serde::{Deserialize, Serialize};

pub const PAYMENT_CAPTURED: &str = "payment.captured";
pub const PAYMENT_FAILED: &str = "payment.failed";
pub const PAYMENT_REFUNDED: &str = "payment.refunded";

/// `payment.captured` v1, `payment.failed` v1 (with `reason`), `payment.refunded` v1 (with
/// `refunded`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentEvent {
    pub payment_id: String,
    pub order_id: String,
    pub amount: i64,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunded: Option<i64>,
}
