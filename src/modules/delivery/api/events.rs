//! Events delivery publishes; every payload carries `order_id` and `delivery_id`.

use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::platform::descriptor::{Consumes, EventSpec};

pub const DELIVERY_CREATED: &str = "delivery.created";
pub const DELIVERY_PICKED_UP: &str = "delivery.picked_up";
pub const DELIVERY_DELIVERED: &str = "delivery.delivered";

/// Payload of every delivery event (v1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryEvent {
    pub order_id: String,
    pub delivery_id: String,
    /// `delivery.created`: the public tracking code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// When the order is expected at the door, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<chrono::DateTime<chrono::Utc>>,
}

const fn spec(event_type: &'static str, summary: &'static str) -> EventSpec {
    EventSpec {
        event_type,
        version: 1,
        summary,
        schema: DeliveryEvent::schema,
    }
}

/// Every event type delivery publishes, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[
    spec(DELIVERY_CREATED, "A ready delivery order awaits a courier."),
    spec(DELIVERY_PICKED_UP, "A courier picked the order up."),
    spec(DELIVERY_DELIVERED, "The order reached the customer."),
];

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[Consumes {
    producer: "ordering",
    event_types: &["order.ready"],
}];
