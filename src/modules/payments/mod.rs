//! Payments: charging orders through a card processor, idempotently, and refunds.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::ordering::api::OrderingApi;
use crate::modules::payments::api::PaymentSettings;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::PaymentsApi`] with the sandbox card
/// processor, serves it and handles its subscriptions. Composition root only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: PaymentSettings = w.settings(&api::MODULE)?;
    let ordering = w.get::<dyn OrderingApi>()?;
    let service = Arc::new(service::PaymentsService::new(
        w.db.clone(),
        ordering,
        service::sandbox_processor(),
        settings.clone(),
        w.wake(),
    ));
    w.serve::<dyn api::PaymentsApi>(service.clone());
    w.handle(service);
    w.sweep(service::key_retention::sweep(
        w.db.clone(),
        settings.key_retention_hours,
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::PaymentsApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::PaymentsApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
