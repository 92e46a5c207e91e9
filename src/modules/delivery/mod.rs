//! Delivery: couriers take ready delivery orders to the door; anyone with the tracking code
//! can follow one.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::delivery::api::DeliverySettings;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::DeliveryApi`], serves it and handles its
/// subscriptions. Composition root only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: DeliverySettings = w.settings(&api::MODULE)?;
    let service = Arc::new(service::DeliveryService::new(
        w.db.clone(),
        settings,
        w.wake(),
    ));
    w.serve::<dyn api::DeliveryApi>(service.clone());
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::DeliveryApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::DeliveryApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
