//! What the module's calls take and return.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum TicketStatus {
    /// A scheduled order's ticket, held back from the stations until `release_at`.
    Scheduled,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TicketLine {
    pub id: String,
    pub station: String,
    pub name: String,
    pub quantity: u32,
    pub options: Vec<String>,
    pub status: LineStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "tkt_0193a5c27d1e7cc09a513e0b8f0e2f61", "order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f15",
    "venue_id": "ven_default", "status": "in_preparation", "lines": [{"id": "tln_0193a5c27d1e7cc09a513e0b8f0e2f62", "station": "bar",
        "name": "Flat white", "quantity": 2, "options": ["Oat"], "status": "started"}],
    "created_at": "2026-11-21T12:01:00Z", "updated_at": "2026-11-21T12:02:00Z"}))]
pub struct Ticket {
    pub id: String,
    pub order_id: String,
    /// The venue whose kitchen makes it.
    pub venue_id: String,
    pub status: TicketStatus,
    /// With a `station` filter, only that station's lines.
    pub lines: Vec<TicketLine>,
    /// A scheduled order's: when it reaches the stations (its slot, less the kitchen's lead).
    pub release_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct TicketFilter {
        /// The ticket of this order.
        #[validate(length(min = 1, max = 64))]
        #[param(min_length = 1, max_length = 64)]
        pub order_id: Option<String>,
        /// Only this venue's tickets (a cook limited to venues sees only theirs anyway).
        #[validate(length(min = 1, max = 64))]
        #[param(min_length = 1, max_length = 64)]
        pub venue_id: Option<String>,
        /// Tickets with lines at this station, showing only those lines.
        #[validate(length(min = 1, max = 32))]
        #[param(min_length = 1, max_length = 32)]
        pub station: Option<String>,
        pub status: Option<TicketStatus>,
    }
}

crate::page_of! {
    /// Oldest first: the queue order.
    TicketPage of Ticket
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Only this station's events (tickets that involve it, its lines).
    #[validate(length(min = 1, max = 32))]
    #[param(min_length = 1, max_length = 32)]
    pub station: Option<String>,
}
