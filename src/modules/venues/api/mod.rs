//! The venues module's contract: the places that take orders, their hours and their state.

mod dto;
mod error;
pub mod events;
pub mod remote;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::modules::identity::api::Call;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "venues",
        version: "1.0.0",
        owner: "front of house",
        purpose: "Venues: time zone, opening hours and exceptions, busy and paused states, order slots and makers.",
        uses: &["identity"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: None,
    };

/// The venue existing data belongs to, and orders that name none go to.
pub const DEFAULT_VENUE: &str = "ven_default";

pub use dto::{
    DateHours, FulfillmentKind, NewVenue, Opening, OpeningQuery, Period, Reservation, Scheduling,
    Slot, SlotList, SlotQuery, SlotReason, SlotRequest, Venue, VenueFilter, VenueMode, VenuePage,
    VenuePatch, VenueState, WeeklyHours,
};
pub use error::VenuesError;

#[async_trait]
pub trait VenuesApi: Send + Sync {
    /// Every venue, anyone may read.
    async fn list(&self, filter: VenueFilter) -> Result<VenuePage, VenuesError>;
    async fn get(&self, id: &str) -> Result<Venue, VenuesError>;
    /// Staff.
    async fn create(&self, manager: &Call, input: NewVenue) -> Result<Venue, VenuesError>;
    /// Staff.
    async fn update(
        &self,
        manager: &Call,
        id: &str,
        patch: VenuePatch,
    ) -> Result<Venue, VenuesError>;
    /// Staff make a venue busy, pause it or open it again; publishes
    /// `venue.state_changed`.
    async fn set_state(
        &self,
        manager: &Call,
        id: &str,
        state: VenueState,
    ) -> Result<Venue, VenuesError>;
    /// Whether the venue is within its hours at `at` (now when `None`), and its state.
    async fn opening(&self, id: &str, at: Option<DateTime<Utc>>) -> Result<Opening, VenuesError>;
    /// When the venue opens on its next day, seen from `at` (now when `None`): the first
    /// opening after the one in progress closes; open around the clock, its next local
    /// midnight. What sold-out items come back at unless staff say otherwise.
    async fn next_day(
        &self,
        id: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<DateTime<Utc>, VenuesError>;
    /// The slots of the venue's local date, each with its places left or why it cannot take
    /// an order.
    async fn slots(&self, id: &str, query: SlotQuery) -> Result<SlotList, VenuesError>;
    /// The slot holding `request.at`, when it can take the order now; otherwise
    /// `SlotUnavailable` with the reason and the next slot that can. Holds nothing.
    async fn slot(&self, request: SlotRequest) -> Result<Slot, VenuesError>;
    /// Holds a place (and the order's make-minutes) for order `order_id` in the slot holding
    /// `request.at`, atomically: a full slot refuses (`SlotUnavailable` with the next slot
    /// that can). Asking again for the same order answers the place it holds.
    async fn reserve(
        &self,
        customer: &Call,
        order_id: &str,
        request: SlotRequest,
    ) -> Result<Reservation, VenuesError>;
    /// Gives the place of order `order_id` back (whoever reserved it, or staff); nothing
    /// when it holds none. Cancelled orders give theirs back by themselves
    /// (`order.cancelled`).
    async fn release(&self, caller: &Call, order_id: &str) -> Result<(), VenuesError>;
}
