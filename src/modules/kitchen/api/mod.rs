//! The kitchen module's contract.

mod dto;
mod error;
pub mod events;
pub mod remote;
mod settings;

use async_trait::async_trait;

use crate::modules::identity::api::Call;
use crate::platform::events::StoredEvent;

pub use dto::{
    LineStatus, StreamQuery, Ticket, TicketFilter, TicketLine, TicketPage, TicketStatus,
};
pub use error::KitchenError;
pub use settings::KitchenSettings;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "kitchen",
        version: "1.0.0",
        owner: "back of house",
        purpose: "Tickets for paid orders, routed to the stations that prepare them.",
        uses: &["identity", "venues"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

/// Consumes `order.paid` (a ticket per paid order) and `order.cancelled`.
#[async_trait]
pub trait KitchenApi: Send + Sync {
    async fn tickets(&self, cook: &Call, filter: TicketFilter) -> Result<TicketPage, KitchenError>;
    async fn start_line(
        &self,
        cook: &Call,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError>;
    /// When the last line is done the ticket is ready (`ticket.ready`).
    async fn finish_line(
        &self,
        cook: &Call,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError>;
    /// The newest kitchen event's position: where a live feed without history starts.
    async fn feed_head(&self, cook: &Call) -> Result<i64, KitchenError>;
    /// Kitchen events after `after` concerning `station` (all without one), and the position
    /// read up to.
    async fn feed(
        &self,
        cook: &Call,
        station: Option<String>,
        after: i64,
    ) -> Result<(Vec<StoredEvent>, i64), KitchenError>;
}
