//! How a module describes itself: what it is, whose `api` it uses, the events it publishes and
//! consumes (each consumer declares its own subscriptions), and how the composition root wires
//! its routes and outbox. One list of these is the module graph: the dependencies, the event
//! subscriptions and the inventory are derived from it, and start-up checks it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use crate::platform::events::OutboxTable;

/// A module's contract-level description, declared in its `api`.
#[derive(Debug, Clone, Copy)]
pub struct ModuleDescriptor {
    pub name: &'static str,
    /// The contract's version: bumped with every breaking change to the module's trait,
    /// DTOs or events.
    pub version: &'static str,
    /// Who answers for it.
    pub owner: &'static str,
    pub purpose: &'static str,
    /// The modules whose `api` it uses.
    pub uses: &'static [&'static str],
    pub publishes: &'static [EventSpec],
    pub consumes: &'static [Consumes],
    /// Its section of the configuration, if it has settings.
    pub settings: Option<SettingsSection>,
}

/// A module's configuration section: its key (`[ordering]`, `BRIGADE_ORDERING__...`) and its
/// defaults as TOML, header included. A process hosting a subset of modules reads only
/// their sections and the platform's.
#[derive(Debug, Clone, Copy)]
pub struct SettingsSection {
    pub key: &'static str,
    pub defaults: &'static str,
}

/// Event types a module consumes from one producer.
#[derive(Debug, Clone, Copy)]
pub struct Consumes {
    pub producer: &'static str,
    pub event_types: &'static [&'static str],
}

/// One published event type; `schema` is the payload type's own schema, so it cannot drift
/// from what the module serialises.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub event_type: &'static str,
    pub version: u32,
    pub summary: &'static str,
    pub schema: fn() -> RefOr<Schema>,
}

/// A module as the composition root wires it: its descriptor, its routes, its outbox, and
/// how it builds itself from what the modules it uses provide.
#[derive(Clone, Copy)]
pub struct Module {
    pub descriptor: &'static ModuleDescriptor,
    pub routes: fn(&mut utoipa_actix_web::service_config::ServiceConfig),
    pub outbox: Option<fn() -> Arc<dyn OutboxTable>>,
    pub wire: fn(
        &mut crate::platform::wiring::Wiring,
    ) -> Result<(), crate::platform::wiring::WiringError>,
    /// How the module crosses a process boundary; `None` while it can only run in-process.
    pub remote: Option<Remote>,
}

/// A module hosted in one process and called from others: the hosting process serves its
/// wired api; the others wire a client of it as that same api.
#[derive(Clone, Copy)]
pub struct Remote {
    pub methods: &'static [(&'static str, crate::platform::remote::Kind)],
    pub served: fn(
        &crate::platform::wiring::Wiring,
    )
        -> Result<crate::platform::remote::Served, crate::platform::wiring::WiringError>,
    pub client:
        fn(&mut crate::platform::wiring::Wiring, Arc<crate::platform::remote::RemoteModule>),
}

/// A producer of events that is not a module (the gateway's audit trail).
pub type Producer = (&'static str, &'static [EventSpec]);

/// What is wrong with a module graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("module `{0}` is declared twice")]
    Duplicate(String),
    #[error("module `{module}` uses `{unknown}`, which is no module")]
    UnknownModule { module: String, unknown: String },
    #[error("module `{consumer}` consumes events of `{producer}`, which publishes none")]
    UnknownProducer { consumer: String, producer: String },
    #[error("module `{consumer}` consumes `{event_type}`, which `{producer}` does not publish")]
    Unpublished {
        consumer: String,
        producer: String,
        event_type: String,
    },
    #[error("the modules depend on each other in a cycle: {0}")]
    Cycle(String),
}

/// Checks a module graph: every name known, every consumed event type published by its
/// producer, and no dependency cycle.
pub fn check(modules: &[&ModuleDescriptor], others: &[Producer]) -> Result<(), GraphError> {
    let mut names = BTreeSet::new();
    for m in modules {
        if !names.insert(m.name) {
            return Err(GraphError::Duplicate(m.name.to_owned()));
        }
    }
    let published: BTreeMap<&str, Vec<&str>> = modules
        .iter()
        .map(|m| (m.name, m.publishes))
        .chain(others.iter().copied())
        .map(|(name, specs)| (name, specs.iter().map(|s| s.event_type).collect()))
        .collect();
    for m in modules {
        if let Some(unknown) = m.uses.iter().find(|u| !names.contains(*u)) {
            return Err(GraphError::UnknownModule {
                module: m.name.to_owned(),
                unknown: (*unknown).to_owned(),
            });
        }
        for c in m.consumes {
            let Some(types) = published.get(c.producer) else {
                return Err(GraphError::UnknownProducer {
                    consumer: m.name.to_owned(),
                    producer: c.producer.to_owned(),
                });
            };
            if let Some(t) = c.event_types.iter().find(|t| !types.contains(t)) {
                return Err(GraphError::Unpublished {
                    consumer: m.name.to_owned(),
                    producer: c.producer.to_owned(),
                    event_type: (*t).to_owned(),
                });
            }
        }
    }
    let uses: BTreeMap<&str, &[&str]> = modules.iter().map(|m| (m.name, m.uses)).collect();
    let mut done = BTreeSet::new();
    for name in uses.keys() {
        visit(name, &uses, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

fn visit<'a>(
    node: &'a str,
    uses: &BTreeMap<&'a str, &'a [&'a str]>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Result<(), GraphError> {
    if done.contains(node) {
        return Ok(());
    }
    if path.contains(&node) {
        return Err(GraphError::Cycle(format!(
            "{} -> {node}",
            path.join(" -> ")
        )));
    }
    path.push(node);
    for next in uses.get(node).copied().unwrap_or_default() {
        visit(next, uses, path, done)?;
    }
    path.pop();
    done.insert(node);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::default())
    }

    const PLACED: &[EventSpec] = &[EventSpec {
        event_type: "order.placed",
        version: 1,
        summary: "",
        schema,
    }];

    fn module(
        name: &'static str,
        uses: &'static [&'static str],
        consumes: &'static [Consumes],
    ) -> ModuleDescriptor {
        ModuleDescriptor {
            name,
            version: "1",
            owner: "",
            purpose: "",
            uses,
            publishes: if name == "ordering" { PLACED } else { &[] },
            consumes,
            settings: None,
        }
    }

    #[test]
    fn a_sound_graph_passes() {
        let ordering = module("ordering", &[], &[]);
        let kitchen = module(
            "kitchen",
            &["ordering"],
            &[Consumes {
                producer: "ordering",
                event_types: &["order.placed"],
            }],
        );
        assert_eq!(check(&[&ordering, &kitchen], &[]), Ok(()));
    }

    #[test]
    fn unknown_modules_unpublished_events_and_cycles_are_refused() {
        let ordering = module("ordering", &[], &[]);
        let lost = module("kitchen", &["bakery"], &[]);
        assert!(matches!(
            check(&[&ordering, &lost], &[]),
            Err(GraphError::UnknownModule { .. })
        ));
        let misspelt = module(
            "kitchen",
            &[],
            &[Consumes {
                producer: "ordering",
                event_types: &["order.payed"],
            }],
        );
        assert!(matches!(
            check(&[&ordering, &misspelt], &[]),
            Err(GraphError::Unpublished { .. })
        ));
        let nobody = module(
            "kitchen",
            &[],
            &[Consumes {
                producer: "bakery",
                event_types: &["bread.baked"],
            }],
        );
        assert!(matches!(
            check(&[&ordering, &nobody], &[]),
            Err(GraphError::UnknownProducer { .. })
        ));
        let a = module("ordering", &["kitchen"], &[]);
        let b = module("kitchen", &["ordering"], &[]);
        assert!(matches!(check(&[&a, &b], &[]), Err(GraphError::Cycle(_))));
        assert!(matches!(
            check(&[&ordering, &ordering], &[]),
            Err(GraphError::Duplicate(_))
        ));
    }
}
