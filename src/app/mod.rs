//! The composition root: the only place that builds module implementations and wires them
//! into one HTTP server.

mod audit_targets;
mod cors;
mod dashboard;
mod demo;
mod docs;
mod event_operations;
mod events_admin;
mod health;
mod inventory;
mod metrics;
mod module_map;
mod modules;
mod problem_pages;
mod settings;
mod tls;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::modules::governance::api::GovernanceApi;
use crate::platform::db::DbError;
use crate::platform::descriptor::{GraphError, Producer};
use crate::platform::http::{
    body_deadline, contract_paths, errors_as_problems, etag, extract, fallback, head, request_id,
    shutdown,
};
use crate::platform::remote::InternalRoutes;

pub use demo::load_demo_menu;
pub use docs::openapi;
pub use module_map::markdown as module_map;
use modules::Edge;
pub use modules::Modules;
pub use settings::Settings;

/// The internal calls of every module that can run in another process, as an OpenAPI
/// document (YAML); not part of the public contract.
pub fn internal_openapi() -> String {
    let modules: Vec<(&str, &[(&str, crate::platform::remote::Kind)])> = crate::modules::all()
        .iter()
        .filter_map(|m| m.remote.map(|r| (m.descriptor.name, r.methods)))
        .chain([(event_operations::EVENTS.name, event_operations::METHODS)])
        .collect();
    let document = crate::platform::remote::internal_document(&modules);
    let document: utoipa::openapi::OpenApi =
        serde_json::from_value(document).expect("the internal document is OpenAPI");
    crate::platform::openapi::to_yaml(&document)
}

/// Events published by the edge rather than a module.
pub const EDGE_PRODUCERS: &[Producer] = &[("gateway", crate::gateway::audit::PUBLISHED)];

/// Fails on an unknown module, an event type consumed that its producer does not publish, or
/// a dependency cycle.
pub fn check_graph() -> Result<(), GraphError> {
    let modules = crate::modules::all();
    let descriptors: Vec<_> = modules.iter().map(|m| m.descriptor).collect();
    crate::platform::descriptor::check(&descriptors, EDGE_PRODUCERS)
}

/// The migrations of `names` (modules, or `gateway` for the edge's own tables) and the
/// platform's; an unknown name is refused, naming the known ones.
pub fn migration_scope(names: &[String]) -> Result<crate::platform::db::MigrationScope, String> {
    let known: Vec<&str> = crate::modules::all()
        .iter()
        .map(|m| m.descriptor.name)
        .chain(["gateway"])
        .collect();
    if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
        return Err(format!(
            "{unknown:?} is no module; known: {}",
            known.join(", ")
        ));
    }
    Ok(crate::platform::db::MigrationScope::Owners(names.to_vec()))
}

/// Threads a runtime may block on at once: the database's connections, and two more for a
/// password hash or a name lookup beside them. A blocked read or write waits for a
/// connection anyway; tokio's default (512, and actix's 256 an HTTP worker on two cores) let
/// the PostgreSQL journey start some 75 threads waiting on 8 connections, each keeping its
/// stack and cache.
pub fn blocking_threads(database: &crate::platform::config::DatabaseSettings) -> usize {
    database.pool_size.max(1) as usize + 2
}

/// Registers every documented operation. Used both to serve and to generate the OpenAPI
/// document, so the two cannot drift.
fn api_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    health::routes(cfg);
    for module in crate::modules::all() {
        // No prefix: the paths stay the contract's; the guard skips the scope (see
        // `contract_paths`).
        cfg.service(
            utoipa_actix_web::scope::scope("")
                .guard(contract_paths::served_by(module.descriptor.name))
                .configure(module.routes),
        );
    }
    events_admin::routes(cfg);
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("TLS: {0}")]
    Tls(String),
    #[error("start-up was interrupted")]
    Interrupted,
    #[error("module graph: {0}")]
    Graph(#[from] GraphError),
    #[error("contract: {0}")]
    Contract(String),
    #[error("wiring: {0}")]
    Wiring(#[from] crate::platform::wiring::WiringError),
}

pub struct Application {
    /// The public API, in a process that is the edge.
    public: Option<(Server, u16)>,
    /// The internal routes of the modules hosted here, when `topology.internal_bind` is set.
    internal: Option<(Server, u16)>,
    modules: Modules,
    usage_flush: std::time::Duration,
    stopping: shutdown::Stopping,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        crate::platform::memory::configure();
        let wiring = settings.clone();
        let modules = actix_web::rt::task::spawn_blocking(move || Modules::wire(&wiring))
            .await
            .map_err(|_| StartError::Interrupted)??;
        // Wiring built the contract, as JSON for governance's inventory too, and freed it.
        crate::platform::memory::return_freed();
        Self::serve(settings, modules)
    }

    fn serve(settings: Settings, modules: Modules) -> Result<Self, StartError> {
        let (stopping, shutdown) = shutdown::channel();
        let public = match &modules.edge {
            Some(edge) => Some(Self::public(&settings, &modules, edge, shutdown)?),
            None => None,
        };
        let internal = match (&modules.internal, settings.topology.internal_addr()) {
            (Some(routes), Ok(Some(addr))) => {
                Some(Self::internal(&settings, addr, routes.clone())?)
            }
            _ => None,
        };
        Ok(Self {
            public,
            internal,
            modules,
            usage_flush: std::time::Duration::from_secs(settings.governance.usage_flush_secs),
            stopping,
        })
    }

    /// The internal listener: `/internal/<module>/<method>` for other Brigade processes, and
    /// nothing else (the public API is never served here, and the internal routes never on
    /// the public listener).
    fn internal(
        settings: &Settings,
        addr: std::net::SocketAddr,
        routes: Arc<InternalRoutes>,
    ) -> Result<(Server, u16), StartError> {
        let bind_error = |source| StartError::Bind {
            addr: addr.to_string(),
            source,
        };
        let listener = TcpListener::bind(addr).map_err(bind_error)?;
        let port = listener.local_addr().map_err(bind_error)?.port();
        let body_limit = settings.server.body_limit_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(errors_as_problems::middleware))
                .wrap(from_fn(request_id::middleware))
                .app_data(web::PayloadConfig::new(body_limit))
                .configure(|cfg| routes.clone().configure(cfg))
                .default_service(web::to(|| async {
                    Err::<HttpResponse, _>(crate::platform::problem::Problem::not_found(
                        "internal routes are /internal/<module>/<method>",
                    ))
                }))
        })
        .shutdown_timeout(settings.server.shutdown_timeout_secs)
        .worker_max_blocking_threads(blocking_threads(&settings.database))
        .disable_signals()
        .keep_alive(crate::platform::remote::INTERNAL_KEEP_ALIVE)
        .listen(listener)
        .map_err(bind_error)?;
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        Ok((server.run(), port))
    }

    /// The public API and its gateway.
    fn public(
        settings: &Settings,
        modules: &Modules,
        edge: &Edge,
        shutdown: shutdown::Shutdown,
    ) -> Result<(Server, u16), StartError> {
        let addr = settings.server.bind;
        let bind_error = |source| StartError::Bind {
            addr: addr.to_string(),
            source,
        };
        let listener = TcpListener::bind(addr).map_err(bind_error)?;
        let port = listener.local_addr().map_err(bind_error)?.port();

        let doc = openapi();
        let paths = web::Data::new(contract_paths::ContractPaths::from_openapi(&doc));
        let scopes = web::Data::new(crate::platform::http::scopes::ScopeTable::from_openapi(
            &doc,
        ));
        let policies = web::Data::new(crate::platform::http::policy::PolicyTable::from_openapi(
            &doc,
        ));
        let deprecations = web::Data::new(
            crate::gateway::deprecation::DeprecationTable::from_openapi(&doc),
        );
        let retention = web::Data::new(crate::gateway::idempotency::Retention {
            keep: chrono::TimeDelta::hours(i64::from(settings.idempotency.retention_hours)),
            lease: chrono::TimeDelta::seconds(settings.idempotency.in_flight_lease_secs as i64),
        });
        let limiter = web::Data::new(crate::gateway::rate_limit::RateLimiter::new(
            &settings.rate_limit,
        ));
        let served = modules.wiring.registrations();
        let plan_names: Vec<String> = settings.rate_limit.plans.keys().cloned().collect();
        let metrics = web::Data::new(crate::gateway::metrics::Metrics::new(&doc, &plan_names));
        let document = web::Data::new(docs::ServedDocument::new(&doc));
        drop(doc);
        // The tables above are built and what building them took is free again.
        crate::platform::memory::return_freed();
        let scrape_policy = web::Data::new(metrics::ScrapePolicy::new(&settings.metrics));
        let serve_metrics = settings.metrics.enabled;
        let audit = web::Data::from(edge.audit.clone());
        let header_limit = web::Data::new(crate::gateway::header_limit::HeaderLimit(
            settings.server.max_header_bytes,
        ));
        let tls = match (
            &settings.server.tls_cert_path,
            &settings.server.tls_key_path,
        ) {
            (Some(cert), Some(key)) => {
                Some(tls::server_config(cert, key).map_err(StartError::Tls)?)
            }
            _ => None,
        };
        let events = web::Data::new(modules.events.clone());
        let operations = web::Data::from(modules.operations.clone());
        let db = web::Data::new(modules.db.clone());
        let hosted = web::Data::new(health::Hosted {
            scope: modules.scope.clone(),
            remotes: modules.remotes.clone(),
        });
        let body_limit = settings.server.body_limit_bytes;
        let body_deadline = web::Data::new(body_deadline::BodyDeadline {
            timeout: std::time::Duration::from_millis(settings.server.client_body_timeout_ms),
            limit: body_limit,
        });
        let shutdown = web::Data::new(shutdown);
        let origins = settings.server.cors_allowed_origins.clone();
        let worker_nice = settings.server.worker_nice;

        let mut server = HttpServer::new(move || {
            // Runs on each worker's own thread before it serves. The internal listener's
            // workers keep the process's priority: other processes' event consumers are
            // among their callers.
            crate::platform::worker_priority::lower_this_thread(worker_nice);
            let app = App::new()
                .wrap(from_fn(crate::gateway::deprecation::middleware))
                .wrap(from_fn(etag::middleware))
                // Inside idempotency: a replayed answer is not a second write.
                .wrap(from_fn(crate::gateway::audit::middleware))
                .wrap(from_fn(crate::gateway::idempotency::middleware))
                .wrap(from_fn(head::middleware))
                .wrap(Compress::default())
                .wrap(from_fn(crate::gateway::rate_limit::middleware))
                // Once per request; everything inside reads its outcome.
                .wrap(from_fn(crate::gateway::auth::middleware))
                .wrap(from_fn(crate::gateway::header_limit::middleware))
                .wrap(from_fn(body_deadline::middleware))
                .wrap(from_fn(crate::gateway::metering::middleware))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                .wrap(cors::policy(&origins))
                .wrap(from_fn(errors_as_problems::middleware))
                .wrap(from_fn(request_id::middleware))
                .app_data(extract::json_config(body_limit))
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .configure(|cfg| {
                    for api in &served {
                        api(cfg);
                    }
                })
                .app_data(metrics.clone())
                .app_data(scrape_policy.clone())
                .app_data(header_limit.clone())
                .app_data(audit.clone())
                .app_data(events.clone())
                .app_data(operations.clone())
                .app_data(db.clone())
                .app_data(hosted.clone())
                .app_data(paths.clone())
                .app_data(scopes.clone())
                .app_data(policies.clone())
                .app_data(limiter.clone())
                .app_data(retention.clone())
                .app_data(deprecations.clone())
                .app_data(body_deadline.clone())
                .app_data(shutdown.clone())
                .configure(|cfg| {
                    api_routes(&mut utoipa_actix_web::service_config::ServiceConfig::new(
                        cfg,
                    ))
                })
                .configure(dashboard::routes)
                .configure(problem_pages::routes)
                .configure(|cfg| {
                    if serve_metrics {
                        cfg.route("/metrics", web::get().to(metrics::handler));
                    }
                })
                .service(web::redirect("/docs", "/docs/"))
                .app_data(document.clone())
                .route("/openapi.json", web::get().to(docs::serve_document))
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::new(["/openapi.json"])),
                )
                .default_service(web::to(fallback::handler));
            // Building a worker's routes builds (and frees) their part of the contract.
            crate::platform::memory::return_freed();
            app
        })
        .shutdown_timeout(settings.server.shutdown_timeout_secs)
        .worker_max_blocking_threads(blocking_threads(&settings.database))
        // Signals are ours (see `run_until_stopped`): streams must hear of a stop first.
        .disable_signals()
        .client_request_timeout(std::time::Duration::from_millis(
            settings.server.client_request_timeout_ms,
        ))
        .keep_alive(std::time::Duration::from_secs(
            settings.server.keep_alive_secs,
        ));
        server = match tls {
            Some(config) => server.listen_rustls_0_23(listener, config),
            None => server.listen(listener),
        }
        .map_err(bind_error)?;
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        Ok((server.run(), port))
    }

    /// The public listener's port (the internal one's in a process that is not the edge).
    pub fn port(&self) -> u16 {
        self.public
            .as_ref()
            .or(self.internal.as_ref())
            .map(|(_, port)| *port)
            .unwrap_or_default()
    }

    /// The internal listener's port, when there is one.
    pub fn internal_port(&self) -> Option<u16> {
        self.internal.as_ref().map(|(_, port)| *port)
    }

    pub fn modules(&self) -> &Modules {
        &self.modules
    }

    /// Serves (and delivers events) until SIGTERM or Ctrl-C, then lets in-flight requests
    /// finish. Events not yet delivered stay in their outboxes for the next start.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let dispatcher = actix_web::rt::spawn(self.modules.events.clone().run());
        let governance = self.modules.edge.as_ref().map(|e| e.governance.clone());
        let flusher = governance
            .clone()
            .map(|g| actix_web::rt::spawn(flush_usage_every(g, self.usage_flush)));
        let mut beside: Vec<_> = self
            .modules
            .background
            .iter()
            .map(|work| actix_web::rt::spawn(work.run()))
            .collect();
        beside.push(actix_web::rt::spawn(
            crate::platform::retention::sweep_every(
                self.modules.sweeps.clone(),
                self.modules.retention.clone(),
            ),
        ));
        let servers: Vec<Server> = [self.public, self.internal]
            .into_iter()
            .flatten()
            .map(|(server, _)| server)
            .collect();
        let handles: Vec<_> = servers.iter().map(|s| s.handle()).collect();
        let stopping = self.stopping;
        let signals = actix_web::rt::spawn(async move {
            shutdown::signal().await;
            tracing::info!("stop signal received; draining in-flight requests");
            stopping.notify();
            for handle in handles {
                handle.stop(true).await;
            }
        });
        let served = futures_util::future::join_all(servers)
            .await
            .into_iter()
            .collect::<std::io::Result<Vec<()>>>()
            .map(|_| ());
        signals.abort();
        dispatcher.abort();
        if let Some(flusher) = &flusher {
            flusher.abort();
        }
        for work in &beside {
            work.abort();
        }
        let _ = dispatcher.await;
        if let Some(flusher) = flusher {
            let _ = flusher.await;
        }
        self.modules.events.release().await;
        // Usage counted since the last flush survives a clean stop.
        if let Some(governance) = governance
            && let Err(e) = governance.flush_usage().await
        {
            tracing::warn!(error = %e, "usage counts could not be written at shutdown");
        }
        served
    }
}

async fn flush_usage_every(governance: Arc<dyn GovernanceApi>, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = governance.flush_usage().await {
            tracing::warn!(error = %e, "usage counts could not be written; kept for the next flush");
        }
    }
}
