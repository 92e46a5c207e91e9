//! Payments: charging orders through a card processor, idempotently, and refunds.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::ordering::api::OrderingApi;
use crate::modules::payments::api::PaymentSettings;
use crate::platform::db::Db;
use crate::platform::descriptor::Built;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::PaymentsApi`]. Composition root only.
pub fn build(
    db: Db,
    ordering: Arc<dyn OrderingApi>,
    processor: Arc<dyn api::CardProcessor>,
    settings: &PaymentSettings,
    wake: Wake,
) -> Built<dyn api::PaymentsApi> {
    let service = Arc::new(service::PaymentsService::new(
        db,
        ordering,
        processor,
        settings.clone(),
        wake,
    ));
    Built {
        api: service.clone(),
        handler: service,
    }
}

/// The built-in sandbox card processor (see its magic tokens in the API docs).
pub fn sandbox_processor() -> Arc<dyn api::CardProcessor> {
    service::sandbox_processor()
}

/// The module as the composition root wires it: its descriptor, routes and outbox.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        outbox: Some(|| -> Arc<dyn OutboxTable> { Arc::new(store::Outbox) }),
    }
}
