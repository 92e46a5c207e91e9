//! Venues: the places that take orders — their time zone, opening hours and exceptions, and
//! whether they are busy or paused.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::clock::Clock;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::VenuesApi`], serves it and handles its
/// subscriptions. Composition root only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let clock = w.get::<dyn Clock>()?;
    let service = Arc::new(service::VenuesService::new(w.db.clone(), clock, w.wake()));
    w.serve::<dyn api::VenuesApi>(service.clone());
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::VenuesApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::VenuesApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
