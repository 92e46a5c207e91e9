//! Webhooks: partners register endpoints for Brigade's events; each event becomes a signed
//! delivery (Standard Webhooks), retried with backoff and jitter, logged attempt by attempt.

pub mod api;
mod domain;
mod http;
mod sender;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::config::WebhookSettings;
use crate::platform::db::Db;
use crate::platform::events::OutboxTable;

/// Sends due deliveries, on the thread it runs on (actix's HTTP client is per thread).
#[derive(Clone)]
pub struct DeliveryWorker(Arc<service::WebhooksService>);

impl DeliveryWorker {
    /// Delivers until the task is dropped; waits for new work or the poll interval between
    /// empty rounds.
    pub async fn run(self) {
        loop {
            self.0.deliver_due().await;
        }
    }
}

/// Builds the module's implementation of [`api::WebhooksApi`] and its delivery worker.
/// `event_types`: what partners may subscribe to. Composition root only.
pub fn build(
    db: Db,
    settings: &WebhookSettings,
    catalog: Vec<api::EventType>,
) -> (Arc<dyn api::WebhooksApi>, DeliveryWorker) {
    let service = Arc::new(service::WebhooksService::new(db, settings.clone(), catalog));
    (service.clone(), DeliveryWorker(service))
}

/// The module's outbox, for the event dispatcher. Composition root only.
pub fn outbox() -> Arc<dyn OutboxTable> {
    Arc::new(store::Outbox)
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
