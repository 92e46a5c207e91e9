//! Ordering: customers' orders, priced from the catalog, and their life from placed to
//! delivered.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::catalog::api::CatalogApi;
use crate::modules::ordering::api::OrderingSettings;
use crate::modules::venues::api::VenuesApi;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::OrderingApi`] over the catalog's, serves it
/// and handles its subscriptions. Composition root only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: OrderingSettings = w.settings(&api::MODULE)?;
    let catalog = w.get::<dyn CatalogApi>()?;
    let venues = w.get::<dyn VenuesApi>()?;
    let service = Arc::new(service::OrderingService::new(
        w.db.clone(),
        catalog,
        venues,
        settings,
        w.wake(),
    ));
    w.serve::<dyn api::OrderingApi>(service.clone());
    w.handle(service);
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::OrderingApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::OrderingApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
