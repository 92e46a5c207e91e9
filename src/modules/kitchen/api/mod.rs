//! The kitchen module's contract.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::modules::identity::api::Principal;
use crate::platform::events::{EventHandler, StoredEvent};
use crate::platform::validation::FieldError;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "kitchen",
        version: "1.0.0",
        owner: "back of house",
        purpose: "Tickets for paid orders, routed to the stations that prepare them.",
        uses: &["identity"],
        publishes: events::PUBLISHED,
        consumes: &[crate::platform::descriptor::Consumes {
            producer: "ordering",
            event_types: &["order.paid", "order.cancelled"],
        }],
    };

pub mod events {
    //! Events the kitchen publishes; every payload carries `order_id` and `ticket_id`, line
    //! events also `line_id` and `station`.
    use serde::{Deserialize, Serialize};
    use utoipa::{PartialSchema, ToSchema};

    use crate::platform::descriptor::EventSpec;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum TicketStatus {
    Queued,
    InPreparation,
    Ready,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum LineStatus {
    Queued,
    Started,
    Done,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TicketLine {
    pub id: String,
    pub station: String,
    pub name: String,
    pub quantity: u32,
    pub options: Vec<String>,
    pub status: LineStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({"id": "tkt_0193a5c27d1e7cc09a513e0b8f0e2f61", "order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f15",
    "status": "in_preparation", "lines": [{"id": "tln_0193a5c27d1e7cc09a513e0b8f0e2f62", "station": "bar",
        "name": "Flat white", "quantity": 2, "options": ["Oat"], "status": "started"}],
    "created_at": "2026-11-21T12:01:00Z", "updated_at": "2026-11-21T12:02:00Z"}))]
pub struct Ticket {
    pub id: String,
    pub order_id: String,
    pub status: TicketStatus,
    /// With a `station` filter, only that station's lines.
    pub lines: Vec<TicketLine>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketFilter {
    /// The ticket of this order.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub order_id: Option<String>,
    /// Tickets with lines at this station, showing only those lines.
    #[validate(length(min = 1, max = 32))]
    #[param(min_length = 1, max_length = 32)]
    pub station: Option<String>,
    pub status: Option<TicketStatus>,
    /// Page size, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[validate(length(min = 1, max = 512))]
    #[param(min_length = 1, max_length = 512)]
    pub cursor: Option<String>,
}

/// Oldest first: the queue order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketPage {
    pub data: Vec<Ticket>,
    pub next_cursor: Option<String>,
}

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum KitchenError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
}

crate::internal_errors!(KitchenError);

crate::common_problems!(KitchenError);

/// Consumes `order.paid` (a ticket per paid order) and `order.cancelled`.
#[async_trait]
pub trait KitchenApi: EventHandler {
    async fn tickets(
        &self,
        cook: &Principal,
        filter: TicketFilter,
    ) -> Result<TicketPage, KitchenError>;
    async fn start_line(
        &self,
        cook: &Principal,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError>;
    /// When the last line is done the ticket is ready (`ticket.ready`).
    async fn finish_line(
        &self,
        cook: &Principal,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError>;
    /// The newest kitchen event's position: where a live feed without history starts.
    async fn feed_head(&self, cook: &Principal) -> Result<i64, KitchenError>;
    /// Kitchen events after `after` concerning `station` (all without one), and the position
    /// read up to.
    async fn feed(
        &self,
        cook: &Principal,
        station: Option<String>,
        after: i64,
    ) -> Result<(Vec<StoredEvent>, i64), KitchenError>;
}

#[derive(Debug, Clone, Default, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Only this station's events (tickets that involve it, its lines).
    #[validate(length(min = 1, max = 32))]
    #[param(min_length = 1, max_length = 32)]
    pub station: Option<String>,
}
