//! Catalog: the menu — categories, items, option groups, make times, availability and
//! sold-out items that come back by themselves.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::catalog::api::CatalogSettings;
use crate::modules::venues::api::VenuesApi;
use crate::platform::background::Background;
use crate::platform::clock::Clock;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::CatalogApi`], serves it, handles its
/// subscriptions and brings sold-out items back on time. Composition root only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: CatalogSettings = w.settings(&api::MODULE)?;
    let venues = w.get::<dyn VenuesApi>()?;
    let clock = w.get::<dyn Clock>()?;
    let service = Arc::new(service::CatalogService::new(
        w.db.clone(),
        &settings,
        venues,
        clock,
        w.wake(),
    ));
    w.serve::<dyn api::CatalogApi>(service.clone());
    w.handle(service.clone());
    w.run_beside(Background::new(move || {
        service.clone().bring_back_forever()
    }));
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::CatalogApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::CatalogApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
