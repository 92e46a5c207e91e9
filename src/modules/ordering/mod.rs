//! Ordering: customers' orders, priced from the catalog, and their life from placed to
//! delivered.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::catalog::api::CatalogApi;
use crate::modules::ordering::api::OrderingSettings;
use crate::platform::db::Db;
use crate::platform::descriptor::Built;
use crate::platform::events::{OutboxTable, Wake};

/// Builds the module's implementation of [`api::OrderingApi`]. Composition root only.
pub fn build(
    db: Db,
    catalog: Arc<dyn CatalogApi>,
    settings: &OrderingSettings,
    wake: Wake,
) -> Built<dyn api::OrderingApi> {
    let service = Arc::new(service::OrderingService::new(
        db,
        catalog,
        settings.clone(),
        wake,
    ));
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
