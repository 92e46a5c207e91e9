//! Prometheus series for operators: traffic per module, route and status, latency, rate-limit
//! refusals, and — sampled when scraped — database pools and event delivery.

use std::collections::HashMap;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use utoipa::openapi::OpenApi;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    module: String,
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    module: String,
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlanLabels {
    plan: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SubscriptionLabels {
    subscription: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    /// `(METHOD, route pattern)` → owning module, from the OpenAPI tags.
    modules: HashMap<(String, String), String>,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    refusals: Family<PlanLabels, Counter>,
    pools: Family<PoolLabels, Gauge>,
    backlog: Family<SubscriptionLabels, Gauge>,
    dead_letters: Family<SubscriptionLabels, Gauge>,
    usage_pending: Gauge,
    write_commits: Counter,
    write_units: Counter,
    reads: Counter,
    writes: Counter,
}

impl Metrics {
    /// `plans`: every configured plan, so refusal series exist (at 0) before the first one.
    pub fn new(doc: &OpenApi, plans: &[String]) -> Self {
        let mut registry = Registry::with_prefix("brigade");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by module, method, route and status",
            requests.clone(),
        );
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer (until the response head), by module, method and route",
            latency.clone(),
        );
        let refusals = Family::<PlanLabels, Counter>::default();
        for plan in plans {
            refusals
                .get_or_create(&PlanLabels { plan: plan.clone() })
                .inc_by(0);
        }
        registry.register(
            "rate_limit_refusals",
            "Requests refused with 429 by rate limits or monthly quotas, by plan",
            refusals.clone(),
        );
        let pools = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections by pool and state (max, open, idle)",
            pools.clone(),
        );
        let backlog = Family::<SubscriptionLabels, Gauge>::default();
        registry.register(
            "outbox_backlog",
            "Outbox positions not yet delivered to a subscription",
            backlog.clone(),
        );
        let dead_letters = Family::<SubscriptionLabels, Gauge>::default();
        registry.register(
            "dead_letters",
            "Dead-lettered events not yet re-driven, by subscription",
            dead_letters.clone(),
        );
        let usage_pending = Gauge::default();
        registry.register(
            "usage_unflushed_requests",
            "Requests counted in memory and not yet written to the usage table",
            usage_pending.clone(),
        );
        let write_commits = Counter::default();
        registry.register(
            "db_write_commits",
            "SQLite write transactions committed by the single writer (each carries a batch of units)",
            write_commits.clone(),
        );
        let write_units = Counter::default();
        registry.register(
            "db_write_units",
            "Write units (one caller's transaction each) committed by SQLite's single writer",
            write_units.clone(),
        );
        let reads = Counter::default();
        registry.register(
            "db_reads",
            "Database reads run (one reader checkout each, however many queries it makes)",
            reads.clone(),
        );
        let writes = Counter::default();
        registry.register(
            "db_writes",
            "Database write transactions run, on either database (on SQLite, units of group commits)",
            writes.clone(),
        );
        Self {
            registry,
            modules: modules_by_route(doc),
            write_commits,
            write_units,
            reads,
            writes,
            requests,
            latency,
            refusals,
            pools,
            backlog,
            dead_letters,
            usage_pending,
        }
    }

    /// `method` and `route` must come from closed sets ([`method_label`], route patterns):
    /// every distinct value is a new series.
    pub fn observe_request(
        &self,
        method: &str,
        route: Option<&str>,
        status: u16,
        latency: Duration,
    ) {
        let route = route.unwrap_or(UNMATCHED);
        let module = self
            .modules
            .get(&(method.to_owned(), route.to_owned()))
            .map_or("platform", String::as_str);
        let labels = RouteLabels {
            module: module.to_owned(),
            method: method.to_owned(),
            route: route.to_owned(),
        };
        self.latency
            .get_or_create(&labels)
            .observe(latency.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                module: labels.module,
                method: labels.method,
                route: labels.route,
                status,
            })
            .inc();
    }

    pub fn refused(&self, plan: &str) {
        self.refusals
            .get_or_create(&PlanLabels {
                plan: plan.to_owned(),
            })
            .inc();
    }

    pub fn set_pool(&self, pool: &str, max: u32, open: u32, idle: u32) {
        for (state, value) in [("max", max), ("open", open), ("idle", idle)] {
            self.pools
                .get_or_create(&PoolLabels {
                    pool: pool.to_owned(),
                    state: state.to_owned(),
                })
                .set(i64::from(value));
        }
    }

    pub fn set_subscription(&self, subscription: &str, backlog: i64, dead_letters: i64) {
        let labels = SubscriptionLabels {
            subscription: subscription.to_owned(),
        };
        self.backlog.get_or_create(&labels).set(backlog);
        self.dead_letters.get_or_create(&labels).set(dead_letters);
    }

    /// Moves the group-commit counters up to the writer's own totals (sampled when scraped).
    pub fn set_group_commits(&self, commits: u64, units: u64) {
        for (counter, total) in [(&self.write_commits, commits), (&self.write_units, units)] {
            // fetch_max: two scrapes at once must not both add the difference.
            counter
                .inner()
                .fetch_max(total, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Moves the read and write counters up to the database's own totals (sampled when
    /// scraped).
    pub fn set_operations(&self, reads: u64, writes: u64) {
        for (counter, total) in [(&self.reads, reads), (&self.writes, writes)] {
            counter
                .inner()
                .fetch_max(total, std::sync::atomic::Ordering::Relaxed);
        }
    }

    pub fn set_usage_pending(&self, requests: u64) {
        self.usage_pending
            .set(i64::try_from(requests).unwrap_or(i64::MAX));
    }

    /// The text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The route label of requests no route matched: one series however many paths are tried.
pub const UNMATCHED: &str = "(unmatched)";

/// A method as a label from a closed set: made-up methods share `OTHER`, and `HEAD` counts as
/// the `GET` it is.
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET | Method::HEAD => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

fn modules_by_route(doc: &OpenApi) -> HashMap<(String, String), String> {
    let value = serde_json::to_value(doc).unwrap_or_default();
    let mut out = HashMap::new();
    for (path, item) in value["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(tag) = op["tags"][0].as_str() {
                out.insert((method.to_uppercase(), path.clone()), tag.to_owned());
            }
        }
    }
    out
}
