//! Events ordering publishes (its published language). Consumers read them with their own
//! structs and ignore fields they do not need.

use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::platform::descriptor::{Consumes, EventSpec};

use super::Fulfillment;

pub const ORDER_PLACED: &str = "order.placed";
pub const ORDER_PAID: &str = "order.paid";
pub const ORDER_STATUS_CHANGED: &str = "order.status_changed";
pub const ORDER_READY: &str = "order.ready";
pub const ORDER_CANCELLED: &str = "order.cancelled";

/// Every event type ordering publishes, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[
    EventSpec {
        event_type: ORDER_PLACED,
        version: 1,
        summary: "An order was placed and priced; it awaits payment.",
        schema: OrderPlaced::schema,
    },
    EventSpec {
        event_type: ORDER_PAID,
        version: 1,
        summary: "An order was paid: the kitchen may start.",
        schema: OrderPaid::schema,
    },
    EventSpec {
        event_type: ORDER_STATUS_CHANGED,
        version: 1,
        summary: "Every status transition, for live status feeds.",
        schema: OrderStatusChanged::schema,
    },
    EventSpec {
        event_type: ORDER_READY,
        version: 1,
        summary: "An order is prepared; deliveries start from here.",
        schema: OrderReady::schema,
    },
    EventSpec {
        event_type: ORDER_CANCELLED,
        version: 1,
        summary: "An order was cancelled; `refund_due` when it had been paid.",
        schema: OrderCancelled::schema,
    },
];

/// `order.placed` v1.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderPlaced {
    pub order_id: String,
    pub customer_id: String,
    pub total: i64,
    pub currency: String,
}

/// A line as the kitchen needs it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KitchenLine {
    pub line_id: String,
    /// The menu item (absent in events from before it was carried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub name: String,
    pub quantity: u32,
    pub station: String,
    pub options: Vec<String>,
}

/// `order.paid` v1: the kitchen may start.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderPaid {
    pub order_id: String,
    /// The venue that prepares it (absent in events from before venues).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_id: Option<String>,
    #[schema(inline)]
    pub lines: Vec<KitchenLine>,
    /// A scheduled order's slot (absent: as soon as possible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<chrono::DateTime<chrono::Utc>>,
    /// Minutes the kitchen needs for it (absent: unknown, from before quotes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prep_minutes: Option<u32>,
    /// When it was promised ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `order.status_changed` v1: every transition, for live status feeds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderStatusChanged {
    pub order_id: String,
    #[schema(inline)]
    pub status: super::OrderStatus,
}

/// `order.ready` v1: prepared; deliveries start from here.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderReady {
    pub order_id: String,
    #[schema(inline)]
    pub fulfillment: Fulfillment,
    /// The venue it leaves from (absent in events from before venues).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_id: Option<String>,
}

/// `order.cancelled` v1. `refund_due`: it had been paid, so the payment must be refunded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrderCancelled {
    pub order_id: String,
    pub refund_due: bool,
}

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[
    // Captures pay the order; every settled charge and refund is kept for the order's view.
    Consumes {
        producer: "payments",
        event_types: &["payment.captured", "payment.failed", "payment.refunded"],
    },
    Consumes {
        producer: "kitchen",
        event_types: &["ticket.started", "ticket.ready"],
    },
    Consumes {
        producer: "delivery",
        event_types: &[
            "delivery.created",
            "delivery.picked_up",
            "delivery.delivered",
        ],
    },
];
