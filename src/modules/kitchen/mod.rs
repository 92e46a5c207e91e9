//! Kitchen: a ticket per paid order, its lines routed to the stations that prepare them.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::db::Db;
use crate::platform::descriptor::Built;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::KitchenApi`]. Composition root only.
pub fn build(db: Db, wake: Wake) -> Built<dyn api::KitchenApi> {
    let service = Arc::new(service::KitchenService::new(db, wake));
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
