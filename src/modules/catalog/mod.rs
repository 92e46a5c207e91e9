//! Catalog: the menu — categories, items, option groups, availability.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::catalog::api::CatalogSettings;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::CatalogApi`] and serves it. Composition root
/// only.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: CatalogSettings = w.settings(&api::MODULE)?;
    let service = service::CatalogService::new(w.db.clone(), &settings);
    w.serve::<dyn api::CatalogApi>(Arc::new(service));
    Ok(())
}

/// The module as the composition root wires it: its descriptor, routes.
pub fn module() -> crate::platform::descriptor::Module {
    crate::platform::descriptor::Module {
        descriptor: &api::MODULE,
        routes: http::routes,
        wire,
        outbox: None,
        remote: Some(crate::platform::descriptor::Remote {
            methods: api::remote::METHODS,
            served: |w| Ok(api::remote::served(w.get::<dyn api::CatalogApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::CatalogApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
