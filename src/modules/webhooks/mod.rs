//! Webhooks: partners register endpoints for Brigade's events; each event becomes a signed
//! delivery (Standard Webhooks), retried with backoff and jitter, logged attempt by attempt.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::webhooks::api::WebhookSettings;
use crate::platform::background::Background;
use crate::platform::events::OutboxTable;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::WebhooksApi`] for the partner event types
/// the composition root provides, serves it, handles its subscriptions, and runs its
/// delivery worker beside the server (`service::dispatch`).
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: WebhookSettings = w.settings(&api::MODULE)?;
    let catalog = w.get::<Vec<api::EventType>>()?;
    let service = Arc::new(service::WebhooksService::new(
        w.db.clone(),
        settings,
        catalog.as_ref().clone(),
        w.wake(),
    ));
    let sender = service.clone();
    w.run_beside(Background::new(move || {
        let service = sender.clone();
        async move {
            service.dispatch().await;
        }
    }));
    w.serve::<dyn api::WebhooksApi>(service.clone());
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::WebhooksApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::WebhooksApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
