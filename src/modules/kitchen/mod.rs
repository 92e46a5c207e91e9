//! Kitchen: a ticket per paid order, its lines routed to the stations that prepare them.

pub mod api;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::db::Db;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::KitchenApi`]. Composition root only.
pub fn build(db: Db, wake: Wake) -> Arc<dyn api::KitchenApi> {
    Arc::new(service::KitchenService::new(db, wake))
}

/// The module's outbox, for the event dispatcher. Composition root only.
pub fn outbox() -> Arc<dyn OutboxTable> {
    Arc::new(store::Outbox)
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
