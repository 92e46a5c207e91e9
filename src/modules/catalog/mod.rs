//! Catalog: the menu — categories, items, option groups, availability.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::catalog::api::CatalogSettings;
use crate::platform::db::Db;

/// Builds the module's implementation of [`api::CatalogApi`]. Composition root only.
pub fn build(db: Db, settings: &CatalogSettings) -> Arc<dyn api::CatalogApi> {
    Arc::new(service::CatalogService::new(db, settings))
}

/// The module as the composition root wires it: its descriptor, routes.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        outbox: None,
    }
}
