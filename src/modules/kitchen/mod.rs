//! Kitchen: a ticket per paid order, its lines routed to the stations that prepare them.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::background::Background;
use crate::platform::clock::Clock;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::KitchenApi`], serves it and handles its
/// subscriptions. Composition root only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: api::KitchenSettings = w.settings(&api::MODULE)?;
    let clock = w.get::<dyn Clock>()?;
    let service = Arc::new(service::KitchenService::new(
        w.db.clone(),
        w.wake(),
        settings,
        clock,
    ));
    w.serve::<dyn api::KitchenApi>(service.clone());
    w.handle(service.clone());
    w.run_beside(Background::new(move || service.clone().release_forever()));
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::KitchenApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::KitchenApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
