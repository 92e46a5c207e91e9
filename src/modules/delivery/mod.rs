//! Delivery: couriers take ready delivery orders to the door; anyone with the tracking code
//! can follow one.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::delivery::api::DeliverySettings;
use crate::platform::db::Db;
use crate::platform::descriptor::Built;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::DeliveryApi`]. Composition root only.
pub fn build(db: Db, settings: &DeliverySettings, wake: Wake) -> Built<dyn api::DeliveryApi> {
    let service = Arc::new(service::DeliveryService::new(db, settings.clone(), wake));
    Built {
        api: service.clone(),
        handler: service,
    }
}

/// The module as the composition root wires it: its descriptor, routes and outbox.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        outbox: Some(|| -> Arc<dyn OutboxTable> { Arc::new(store::Outbox) }),
    }
}
