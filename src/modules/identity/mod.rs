//! Identity: accounts, credentials, sessions and roles.

pub mod api;
mod api_keys;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::platform::config::AuthSettings;
use crate::platform::db::Db;

/// Builds the module's implementation of [`api::IdentityApi`]. Composition root only.
pub fn build(db: Db, settings: &AuthSettings, plans: Vec<String>) -> Arc<dyn api::IdentityApi> {
    Arc::new(service::IdentityService::new(db, settings, plans))
}

/// Registers the module's HTTP operations. Composition root only.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    http::routes(cfg);
}
