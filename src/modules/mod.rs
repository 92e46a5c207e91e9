//! Business capabilities. Each module owns its tables and exposes only its `api` (trait, DTOs,
//! events, errors) to the rest of the crate; its domain, storage and HTTP handlers are private.

pub mod catalog;
pub mod delivery;
pub mod governance;
pub mod identity;
pub mod kitchen;
pub mod ordering;
pub mod payments;
pub mod venues;
pub mod webhooks;

use crate::platform::descriptor::Module;

/// Every module, as the composition root wires it. Adding a module is its folder, its
/// `pub mod` line above and one line here.
pub fn all() -> Vec<Module> {
    vec![
        identity::module(),
        venues::module(),
        catalog::module(),
        ordering::module(),
        payments::module(),
        kitchen::module(),
        delivery::module(),
        governance::module(),
        webhooks::module(),
    ]
}

/// Which modules' `api` each module may use, from the descriptors. `tests/architecture.rs`
/// fails when the code uses an undeclared dependency or reaches past an `api`; start-up
/// fails on a cycle or an unknown name.
pub fn dependencies() -> Vec<(&'static str, &'static [&'static str])> {
    all()
        .iter()
        .map(|m| (m.descriptor.name, m.descriptor.uses))
        .collect()
}

/// Which events each module consumes from which producer: `(consumer, producer, types)`, as
/// each consumer declares in its descriptor. Consumers read payloads with their own structs,
/// so subscribing adds no code dependency.
pub fn subscriptions() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    all()
        .iter()
        .flat_map(|m| {
            m.descriptor
                .consumes
                .iter()
                .map(|c| (m.descriptor.name, c.producer, c.event_types))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_outbox_is_named_after_its_module() {
        // A module wakes the dispatcher under its own name (`Wiring::wake`), and the loops
        // reading an outbox wait under the outbox's name: the two must agree.
        for module in super::all() {
            if let Some(outbox) = module.outbox {
                assert_eq!(outbox().producer(), module.descriptor.name);
            }
        }
    }
}
