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
use crate::platform::db::Db;
use crate::platform::descriptor::Built;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::WebhooksApi`] and its delivery worker, which
/// sends due deliveries until dropped (waiting for new work or the poll interval between empty
/// rounds). `event_types`: what partners may subscribe to. Composition root only.
pub fn build(
    db: Db,
    settings: &WebhookSettings,
    catalog: Vec<api::EventType>,
    wake: Wake,
) -> (Built<dyn api::WebhooksApi>, Background) {
    let service = Arc::new(service::WebhooksService::new(
        db,
        settings.clone(),
        catalog,
        wake,
    ));
    let sender = service.clone();
    let worker = Background::new(move || {
        let service = sender.clone();
        async move {
            loop {
                service.deliver_due().await;
            }
        }
    });
    let built: Built<dyn api::WebhooksApi> = Built {
        api: service.clone(),
        handler: service,
    };
    (built, worker)
}

/// The module as the composition root wires it: its descriptor, routes and outbox.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        outbox: Some(|| -> Arc<dyn OutboxTable> { Arc::new(store::Outbox) }),
    }
}
