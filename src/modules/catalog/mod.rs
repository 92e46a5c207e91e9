//! Catalog: the menu — categories, items, option groups, availability.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::config::CatalogSettings;
use crate::platform::db::Db;

/// Builds the module's implementation of [`api::CatalogApi`]. Composition root only.
pub fn build(db: Db, settings: &CatalogSettings) -> Arc<dyn api::CatalogApi> {
    Arc::new(service::CatalogService::new(db, settings))
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
