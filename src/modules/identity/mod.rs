//! Identity: accounts, credentials, sessions and roles.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::identity::api::AuthSettings;
use crate::platform::db::Db;

/// Builds the module's implementation of [`api::IdentityApi`]. Composition root only.
pub fn build(db: Db, settings: &AuthSettings, plans: Vec<String>) -> Arc<dyn api::IdentityApi> {
    Arc::new(service::IdentityService::new(db, settings, plans))
}

/// The module as the composition root wires it: its descriptor, routes.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        outbox: None,
    }
}
