//! The ordering module's contract.

mod dto;
mod error;
pub mod events;
pub mod remote;
mod settings;

use async_trait::async_trait;

pub use dto::{
    Address, ChosenOption, Fulfillment, NewOrder, NewOrderLine, Order, OrderFilter, OrderLine,
    OrderPage, OrderPayment, OrderPaymentStatus, OrderStatus, PayableOrder, Quote, QuoteRequest,
};
pub use error::OrderingError;
pub use settings::OrderingSettings;

use crate::modules::identity::api::Call;
use crate::platform::events::StoredEvent;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "ordering",
        version: "1.0.0",
        owner: "front of house",
        purpose: "Orders from basket to hand-over: pricing, promised times, status and its live feed.",
        uses: &["identity", "catalog", "venues"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

/// Also consumes payment, kitchen and delivery events (see `MODULE.consumes`).
#[async_trait]
pub trait OrderingApi: Send + Sync {
    /// Prices the lines from the catalog and places the order for `customer`. With a
    /// `request_key` (the client's `Idempotency-Key`), placing again with the same key
    /// returns the order already placed instead of a second one — also after a crash.
    async fn place(
        &self,
        customer: &Call,
        order: NewOrder,
        request_key: Option<String>,
    ) -> Result<Order, OrderingError>;
    /// Customers see their own orders; staff see all and may filter by customer.
    async fn list(&self, caller: &Call, filter: OrderFilter) -> Result<OrderPage, OrderingError>;
    /// Another customer's order is `NotFound`.
    async fn get(&self, caller: &Call, id: &str) -> Result<Order, OrderingError>;
    /// Customers before preparation; staff until completion. A paid order gets refunded.
    async fn cancel(&self, caller: &Call, id: &str) -> Result<Order, OrderingError>;
    /// Staff hand a ready pickup order over the counter.
    async fn hand_over(&self, caller: &Call, id: &str) -> Result<Order, OrderingError>;
    /// Amount and state for charging; `NotFound` unless the caller owns it (or is staff).
    async fn payable(&self, caller: &Call, id: &str) -> Result<PayableOrder, OrderingError>;
    /// The newest ordering event's position: where a live feed without history starts.
    async fn feed_head(&self) -> Result<i64, OrderingError>;
    /// What `basket` would cost at venue `venue_id` and when it would be ready, were
    /// `customer` to place it now; refused for the same reasons placing it would be.
    async fn quote(
        &self,
        customer: &Call,
        venue_id: &str,
        basket: QuoteRequest,
    ) -> Result<Quote, OrderingError>;
    /// `order.status_changed` events of order `id` after `after`, and the position read up
    /// to. Callers check visibility with [`OrderingApi::get`] first.
    async fn status_feed(
        &self,
        id: &str,
        after: i64,
    ) -> Result<(Vec<StoredEvent>, i64), OrderingError>;
}
