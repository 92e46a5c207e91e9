//! Events the kitchen publishes; every payload carries `order_id` and `ticket_id`, line
//! events also `line_id` and `station`.

use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::platform::descriptor::{Consumes, EventSpec};

pub const TICKET_CREATED: &str = "ticket.created";
pub const TICKET_STARTED: &str = "ticket.started";
pub const LINE_STARTED: &str = "ticket.line_started";
pub const LINE_DONE: &str = "ticket.line_done";
pub const TICKET_READY: &str = "ticket.ready";
pub const TICKET_CANCELLED: &str = "ticket.cancelled";

/// Payload of every kitchen event (v1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TicketEvent {
    pub order_id: String,
    pub ticket_id: String,
    /// The venue whose kitchen makes it (absent in events from before venues: the default
    /// venue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_id: Option<String>,
    /// Line events: the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// Line events: the line's station.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// Ticket events: stations that have work on this ticket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stations: Vec<String>,
}

const fn spec(event_type: &'static str, summary: &'static str) -> EventSpec {
    EventSpec {
        event_type,
        version: 1,
        summary,
        schema: TicketEvent::schema,
    }
}

/// Every event type the kitchen publishes, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[
    spec(
        TICKET_CREATED,
        "A paid order's ticket reached the stations.",
    ),
    spec(TICKET_STARTED, "The first line of a ticket was started."),
    spec(LINE_STARTED, "A station started a line."),
    spec(LINE_DONE, "A station finished a line."),
    spec(TICKET_READY, "Every line is done: the order is ready."),
    spec(
        TICKET_CANCELLED,
        "The order was cancelled; stop preparing it.",
    ),
];

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[Consumes {
    producer: "ordering",
    event_types: &["order.paid", "order.cancelled"],
}];
