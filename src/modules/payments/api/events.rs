//! Events payments publishes.

use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::platform::descriptor::{Consumes, EventSpec};

pub const PAYMENT_CAPTURED: &str = "payment.captured";
pub const PAYMENT_FAILED: &str = "payment.failed";
pub const PAYMENT_REFUNDED: &str = "payment.refunded";

/// Every event type payments publishes, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[
    EventSpec {
        event_type: PAYMENT_CAPTURED,
        version: 1,
        summary: "A charge was captured.",
        schema: PaymentEvent::schema,
    },
    EventSpec {
        event_type: PAYMENT_FAILED,
        version: 1,
        summary: "A charge was declined (`reason`).",
        schema: PaymentEvent::schema,
    },
    EventSpec {
        event_type: PAYMENT_REFUNDED,
        version: 1,
        summary: "Money went back to the card (`refunded`, this refund's amount).",
        schema: PaymentEvent::schema,
    },
];

/// `payment.captured` v1, `payment.failed` v1 (with `reason`), `payment.refunded` v1 (with
/// `refunded`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[Consumes {
    producer: "ordering",
    event_types: &["order.cancelled"],
}];
