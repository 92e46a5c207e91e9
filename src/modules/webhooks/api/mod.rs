//! The webhooks module's contract: partners' endpoints, and deliveries of Brigade's events
//! to them, signed per the Standard Webhooks specification.

mod dto;
mod error;
pub mod events;
pub mod remote;
mod settings;

use async_trait::async_trait;

use crate::modules::identity::api::Call;

pub use dto::{
    EventType, EventTypeList, NewWebhookEndpoint, WebhookAttempt, WebhookDelivery,
    WebhookDeliveryPage, WebhookDeliveryQuery, WebhookDeliveryStatus, WebhookEndpoint,
    WebhookEndpointList, WebhookEndpointStatus, WebhookEndpointWithSecret,
};
pub use error::WebhooksError;
pub use settings::WebhookSettings;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "webhooks",
        version: "1.0.0",
        owner: "platform team",
        purpose: "Partners' webhook endpoints and signed, retried deliveries of Brigade's events.",
        uses: &["identity"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

/// Consumes the events partners may subscribe to, queueing a delivery per endpoint.
#[async_trait]
pub trait WebhooksApi: Send + Sync {
    /// The events endpoints may subscribe to, with their payload schemas: for any signed-in
    /// caller (integrators read it before they have an endpoint).
    async fn event_types(&self, caller: &Call) -> Result<EventTypeList, WebhooksError>;
    async fn create(
        &self,
        owner: &Call,
        request: NewWebhookEndpoint,
    ) -> Result<WebhookEndpointWithSecret, WebhooksError>;
    async fn list(&self, owner: &Call) -> Result<WebhookEndpointList, WebhooksError>;
    async fn delete(&self, owner: &Call, id: &str) -> Result<(), WebhooksError>;
    /// A new secret; the old one keeps signing alongside it for the configured overlap.
    async fn rotate_secret(
        &self,
        owner: &Call,
        id: &str,
    ) -> Result<WebhookEndpointWithSecret, WebhooksError>;
    async fn deliveries(
        &self,
        owner: &Call,
        endpoint_id: &str,
        query: WebhookDeliveryQuery,
    ) -> Result<WebhookDeliveryPage, WebhooksError>;
    /// Sends a delivery again now (same `webhook-id`), whatever its state; re-enables nothing.
    async fn redeliver(&self, owner: &Call, id: &str) -> Result<WebhookDelivery, WebhooksError>;
}
