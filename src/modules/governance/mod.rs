//! Governance: the API inventory, usage metering (which monthly quotas read) and, later,
//! the audit trail — the operator's view of every API in one place.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;
use std::time::Duration;

use crate::modules::governance::api::GovernanceSettings;
use crate::platform::db::Db;
use crate::platform::descriptor::Built;
use crate::platform::events::Wake;

/// Builds the module's implementation of [`api::GovernanceApi`]. Composition root only.
pub fn build(
    db: Db,
    settings: &GovernanceSettings,
    inventory: api::InventorySource,
    wake: Wake,
) -> Built<dyn api::GovernanceApi> {
    let service = Arc::new(service::GovernanceService::new(
        db,
        Duration::from_secs(settings.quota_cache_secs),
        domain::inventory::build(inventory),
        wake,
    ));
    Built {
        api: service.clone(),
        handler: service,
    }
}

/// The module as the composition root wires it: its descriptor, routes and outbox.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        outbox: Some(|| -> Arc<dyn crate::platform::events::OutboxTable> {
            Arc::new(store::Outbox)
        }),
    }
}
