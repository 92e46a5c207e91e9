//! Identity: accounts, credentials, sessions and roles.

pub mod api;
mod domain;
mod http;
mod service;
mod store;

use std::sync::Arc;

use crate::modules::identity::api::AuthSettings;
use crate::platform::wiring::{Wiring, WiringError};

/// Builds the module's implementation of [`api::IdentityApi`] and serves it. Composition
/// root only: it provides the rate-limit plans an operator may assign.
pub fn wire(w: &mut Wiring) -> Result<(), WiringError> {
    let settings: AuthSettings = w.settings(&api::MODULE)?;
    let plans = w.get::<api::PlanNames>()?;
    let service = service::IdentityService::new(w.db.clone(), &settings, plans.0.clone());
    w.serve::<dyn api::IdentityApi>(Arc::new(service));
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
            served: |w| Ok(api::remote::served(w.get::<dyn api::IdentityApi>()?)),
            client: |w, remote| {
                w.serve::<dyn api::IdentityApi>(Arc::new(api::remote::Client(remote)))
            },
        }),
    }
}
