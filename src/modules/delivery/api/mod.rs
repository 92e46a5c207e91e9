//! The delivery module's contract.

mod dto;
mod error;
pub mod events;
pub mod remote;
mod settings;

use async_trait::async_trait;

use crate::modules::identity::api::Call;

pub use dto::{
    Delivery, DeliveryFilter, DeliveryPage, DeliveryStatus, Location, Position, Tracking,
};
pub use error::DeliveryError;
pub use settings::DeliverySettings;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "delivery",
        version: "1.0.0",
        owner: "logistics",
        purpose: "Couriers, delivery steps and public tracking.",
        uses: &["identity", "venues"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

/// Consumes `order.ready` (a delivery per ready delivery order).
#[async_trait]
pub trait DeliveryApi: Send + Sync {
    /// Staff see every delivery; a courier sees those awaiting a courier (the area only, not
    /// the door) and their own (in full).
    async fn list(
        &self,
        viewer: &Call,
        filter: DeliveryFilter,
    ) -> Result<DeliveryPage, DeliveryError>;
    async fn claim(&self, courier: &Call, id: &str) -> Result<Delivery, DeliveryError>;
    async fn pick_up(&self, courier: &Call, id: &str) -> Result<Delivery, DeliveryError>;
    async fn ping(&self, courier: &Call, id: &str, at: Location)
    -> Result<Delivery, DeliveryError>;
    async fn deliver(&self, courier: &Call, id: &str) -> Result<Delivery, DeliveryError>;
    /// Public view by tracking code.
    async fn track(&self, code: &str) -> Result<Tracking, DeliveryError>;
}
