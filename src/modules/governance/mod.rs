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
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::GovernanceApi`] from the inventory source
/// the composition root provides, serves it and handles its subscriptions.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: GovernanceSettings = w.settings(&api::MODULE)?;
    let source = w.get::<api::InventorySource>()?;
    let service = Arc::new(service::GovernanceService::new(
        w.db.clone(),
        Duration::from_secs(settings.quota_cache_secs),
        domain::inventory::build(source.as_ref().clone()),
        w.wake(),
    ));
    w.serve::<dyn api::GovernanceApi>(service.clone());
    w.handle(service);
    w.sweep(service::usage_roll_up::sweep(
        w.db.clone(),
        settings.usage_hourly_days,
    ));
    Ok(())
}

/// The module as the composition root wires it: its descriptor, routes, outbox and wiring.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        wire,
        outbox: Some(|| -> Arc<dyn OutboxTable> { Arc::new(store::Outbox) }),
        remote: Some(crate::platform::descriptor::Remote {
            methods: api::remote::METHODS,
            served: |w| Ok(api::remote::served(w.get::<dyn api::GovernanceApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::GovernanceApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
