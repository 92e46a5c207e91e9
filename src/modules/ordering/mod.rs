//! Ordering: customers' orders, priced from the catalog, and their life from placed to
//! delivered.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::catalog::api::CatalogApi;
use crate::platform::config::OrderingSettings;
use crate::platform::db::Db;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::OrderingApi`]. Composition root only.
pub fn build(
    db: Db,
    catalog: Arc<dyn CatalogApi>,
    settings: &OrderingSettings,
    wake: Wake,
) -> Arc<dyn api::OrderingApi> {
    Arc::new(service::OrderingService::new(
        db,
        catalog,
        settings.clone(),
        wake,
    ))
}

/// The module's outbox, for the event dispatcher. Composition root only.
pub fn outbox() -> Arc<dyn OutboxTable> {
    Arc::new(store::Outbox)
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
