//! Governance: the API inventory, usage metering (which monthly quotas read) and, later,
//! the audit trail — the operator's view of every API in one place.

pub mod api;
mod audit;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;
use std::time::Duration;

use crate::platform::config::GovernanceSettings;
use crate::platform::db::Db;

/// Builds the module's implementation of [`api::GovernanceApi`]. Composition root only.
pub fn build(
    db: Db,
    settings: &GovernanceSettings,
    inventory: api::InventorySource,
) -> Arc<dyn api::GovernanceApi> {
    Arc::new(service::GovernanceService::new(
        db,
        Duration::from_secs(settings.quota_cache_secs),
        domain::inventory::build(inventory),
    ))
}

/// The module's outbox, for the event dispatcher. Composition root only.
pub fn outbox() -> Arc<dyn crate::platform::events::OutboxTable> {
    Arc::new(store::Outbox)
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
