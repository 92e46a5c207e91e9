//! The modules of this process, wired from one list: those it hosts, built against its
//! database, and clients of those `topology.remote` places in other processes.

use std::sync::Arc;

use super::settings::Settings;
use super::{StartError, audit_targets, check_graph, docs, event_operations, inventory, openapi};
use crate::modules::catalog::api::CatalogApi;
use crate::modules::governance::api::GovernanceApi;
use crate::modules::identity::api::{IdentityApi, PlanNames};
use crate::modules::ordering::api::OrderingApi;
use crate::platform::config::EventTransport;
use crate::platform::db::Db;
use crate::platform::descriptor::GraphError;
use crate::platform::events::{EventBus, Subscription, Wake};
use crate::platform::remote::{InternalRoutes, RemoteModule};
use crate::platform::retention::{RetentionSettings, Sweep, Swept};
use crate::platform::wiring::Wiring;

/// Every module this process hosts, wired to its database, and clients of those it reaches
/// in other processes.
#[derive(Clone)]
pub struct Modules {
    pub db: Db,
    pub(super) wiring: Arc<Wiring>,
    /// The gateway's parts: `None` in a process that serves no public API.
    pub(super) edge: Option<Edge>,
    /// Modules' work beside the server (webhook deliveries).
    pub background: Vec<crate::platform::background::Background>,
    /// Retention of the tables this process owns that only grow.
    pub sweeps: Vec<Sweep>,
    pub(super) retention: RetentionSettings,
    pub events: EventBus,
    /// What this process serves to others on its internal listener.
    pub(super) internal: Option<Arc<InternalRoutes>>,
    /// Modules hosted elsewhere, called over HTTP.
    pub(super) remotes: Vec<Arc<RemoteModule>>,
    /// Event delivery here and in every process this one calls, for the admin endpoints.
    pub(super) operations: Arc<dyn event_operations::EventOperations>,
    /// The migrations of what this process hosts: what it applied, and what `/readyz` checks.
    pub(super) scope: crate::platform::db::MigrationScope,
}

/// What the edge needs beside the modules: who is calling, counting what they use, and the
/// audit trail of what they changed.
#[derive(Clone)]
pub(super) struct Edge {
    pub(super) governance: Arc<dyn GovernanceApi>,
    pub(super) audit: Arc<crate::gateway::audit::AuditLog>,
}

impl Modules {
    /// Connects (migrating first) and wires the modules this process hosts, in the order of
    /// `modules::all()` (each after the modules it uses), and a client of each module
    /// `topology.remote` places elsewhere. Blocking: call off the async workers.
    pub fn wire(settings: &Settings) -> Result<Self, StartError> {
        check_graph()?;
        let topology = &settings.topology;
        let hosted: Vec<String> = crate::modules::all()
            .iter()
            .map(|m| m.descriptor.name)
            .filter(|name| topology.hosts(name))
            .map(str::to_owned)
            .collect();
        let scope = if hosted.len() == crate::modules::all().len() && topology.edge {
            crate::platform::db::MigrationScope::All
        } else {
            let mut owners = hosted;
            if topology.edge {
                owners.push("gateway".to_owned());
            }
            crate::platform::db::MigrationScope::Owners(owners)
        };
        let db = Db::connect_for(&settings.database, &scope)?;
        let wake = Wake::default();
        let sections = serde_json::to_value(settings)
            .map_err(|e| StartError::Contract(format!("settings: {e}")))?;
        let mut w = Wiring::new(db.clone(), wake.clone(), sections);
        // What only the root knows: the edge's plans, the whole contract, the partner events.
        let mut plans: Vec<String> = settings.rate_limit.plans.keys().cloned().collect();
        plans.sort();
        w.provide(Arc::new(PlanNames(plans)));
        w.provide::<dyn crate::platform::clock::Clock>(Arc::new(
            crate::platform::clock::SystemClock,
        ));
        let document = serde_json::to_value(openapi()).unwrap_or_default();
        w.provide(Arc::new(inventory::source(settings, document)));
        w.provide(Arc::new(inventory::partner_event_catalog(
            &docs::partner_event_types(),
        )));
        let mut served = Vec::new();
        let mut remotes = Vec::new();
        for module in crate::modules::all() {
            let name = module.descriptor.name;
            w.wiring(name);
            if topology.hosts(name) {
                (module.wire)(&mut w)?;
                if let Some(remote) = module.remote {
                    served.push((remote.served)(&w)?);
                }
            } else if let Some(target) = topology.remote.get(name) {
                let remote = module.remote.ok_or_else(|| {
                    StartError::Contract(format!(
                        "topology.remote.{name}: the {name} module cannot run in another process yet"
                    ))
                })?;
                let client = Arc::new(
                    RemoteModule::new(name, &target.url, &settings.internal)
                        .map_err(StartError::Contract)?,
                );
                remotes.push(client.clone());
                (remote.client)(&mut w, client);
            }
        }
        w.wiring("app");
        // Governance built its inventory from it; the document is several MiB as JSON values.
        w.forget::<crate::modules::governance::api::InventorySource>();
        let mut subscriptions = Vec::new();
        for (consumer, producer, event_types) in crate::modules::subscriptions() {
            if !topology.hosts(consumer) {
                continue;
            }
            let handler =
                w.handler(consumer)
                    .ok_or(StartError::Graph(GraphError::UnknownModule {
                        module: "app".to_owned(),
                        unknown: format!(
                            "{consumer} (it consumes events but has no handler wired)"
                        ),
                    }))?;
            subscriptions.push(Subscription {
                consumer,
                producer,
                event_types,
                handler,
            });
        }
        // In-process, consumers read their producers' outbox tables (so every process shares
        // one database); over the broker, each process relays only the outboxes it writes.
        let relayed_only = settings.events.transport == EventTransport::Jetstream;
        let mut outboxes: Vec<_> = crate::modules::all()
            .iter()
            .filter(|m| !relayed_only || topology.hosts(m.descriptor.name))
            .filter_map(|m| m.outbox.map(|outbox| outbox()))
            .collect();
        if !relayed_only || topology.edge {
            outboxes.push(crate::gateway::audit::outbox());
        }
        // Each process sweeps the event tables of the modules it hosts, and the edge its own.
        let mut owned: Vec<_> = crate::modules::all()
            .iter()
            .filter(|m| topology.hosts(m.descriptor.name))
            .filter_map(|m| m.outbox.map(|outbox| outbox()))
            .collect();
        if topology.edge {
            owned.push(crate::gateway::audit::outbox());
        }
        let mut sweeps = w.take_sweeps();
        sweeps.extend(crate::platform::events::sweeps(
            &db,
            &settings.events,
            &owned,
        ));
        if topology.edge {
            sweeps.push(crate::gateway::idempotency::sweep(
                db.clone(),
                chrono::TimeDelta::hours(i64::from(settings.idempotency.retention_hours)),
            ));
        }
        let edge = if topology.edge {
            Some(Edge::wire(&w, &db, &wake)?)
        } else {
            None
        };
        let events = EventBus::new(
            db.clone(),
            settings.events.clone(),
            wake,
            outboxes,
            subscriptions,
        );
        let local: Arc<dyn event_operations::EventOperations> =
            Arc::new(event_operations::LocalEvents(events.clone()));
        served.push(event_operations::served(local.clone()));
        let operations = Arc::new(event_operations::Everywhere {
            local,
            others: other_processes(settings)?,
        });
        let internal = match topology
            .internal_addr()
            .map_err(|e| StartError::Contract(e.to_string()))?
        {
            Some(_) => Some(Arc::new(
                InternalRoutes::new(served, &settings.internal.trusted_keys)
                    .map_err(StartError::Contract)?,
            )),
            None => None,
        };
        Ok(Self {
            edge,
            scope,
            background: w.take_background(),
            sweeps,
            retention: settings.retention.clone(),
            wiring: Arc::new(w),
            events,
            internal,
            remotes,
            operations,
            db,
        })
    }

    /// Runs every retention sweep of this process once, as of `now` (the server does it every
    /// `retention.sweep_interval_secs`).
    pub async fn sweep(&self, now: chrono::DateTime<chrono::Utc>) -> Vec<Swept> {
        crate::platform::retention::sweep_all(&self.sweeps, now, self.retention.batch_rows).await
    }

    /// A module's `api` if this process wired it (hosted here or reached elsewhere).
    pub fn try_api<T: ?Sized + Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.wiring.get::<T>().ok()
    }

    /// A module's `api` as wired (tests and the command line call modules through it).
    pub fn api<T: ?Sized + Send + Sync + 'static>(&self) -> Arc<T> {
        self.wiring.get::<T>().unwrap_or_else(|e| panic!("{e}"))
    }
}

/// The event delivery of each other process this one calls (one per distinct address).
fn other_processes(
    settings: &Settings,
) -> Result<Vec<Arc<dyn event_operations::EventOperations>>, StartError> {
    let mut urls: Vec<&str> = settings
        .topology
        .remote
        .iter()
        .filter(|(module, _)| !settings.topology.hosts(module))
        .map(|(_, target)| target.url.as_str())
        .collect();
    urls.sort();
    urls.dedup();
    urls.into_iter()
        .map(|url| {
            let client = RemoteModule::new(event_operations::EVENTS.name, url, &settings.internal)
                .map_err(StartError::Contract)?;
            Ok(Arc::new(event_operations::Client(Arc::new(client)))
                as Arc<dyn event_operations::EventOperations>)
        })
        .collect()
}

impl Edge {
    fn wire(w: &Wiring, db: &Db, wake: &Wake) -> Result<Self, StartError> {
        let audit = Arc::new(crate::gateway::audit::AuditLog::new(
            db.clone(),
            wake.clone(),
            audit_targets::build(
                w.get::<dyn IdentityApi>()?,
                w.get::<dyn CatalogApi>()?,
                w.get::<dyn OrderingApi>()?,
            ),
        ));
        let named = crate::platform::http::policy::PolicyTable::from_openapi(&openapi());
        let unread = audit.targets().missing(named.audit_targets());
        if !unread.is_empty() {
            return Err(StartError::Contract(format!(
                "x-audit-target names {unread:?}, which no snapshot reads"
            )));
        }
        // Every request is authenticated through it.
        w.get::<dyn IdentityApi>()?;
        Ok(Self {
            governance: w.get::<dyn GovernanceApi>()?,
            audit,
        })
    }
}
