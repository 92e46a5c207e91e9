//! Delivery: couriers take ready delivery orders to the door; anyone with the tracking code
//! can follow one.

pub mod api;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::config::DeliverySettings;
use crate::platform::db::Db;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::DeliveryApi`]. Composition root only.
pub fn build(db: Db, settings: &DeliverySettings, wake: Wake) -> Arc<dyn api::DeliveryApi> {
    Arc::new(service::DeliveryService::new(db, settings.clone(), wake))
}

/// The module's outbox, for the event dispatcher. Composition root only.
pub fn outbox() -> Arc<dyn OutboxTable> {
    Arc::new(store::Outbox)
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
