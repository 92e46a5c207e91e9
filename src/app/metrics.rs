//! `GET /metrics`: Prometheus text exposition, open only to configured networks (and, when a
//! token is configured, to scrapers presenting it).

use std::net::IpAddr;

use actix_web::{HttpRequest, HttpResponse, web};
use ipnet::IpNet;

use crate::gateway::metrics::Metrics;
use crate::modules::governance::api::GovernanceApi;
use crate::platform::config::MetricsSettings;
use crate::platform::db::Db;
use crate::platform::events::EventBus;
use crate::platform::problem::Problem;

/// Who may scrape.
pub struct ScrapePolicy {
    networks: Vec<IpNet>,
    token: Option<String>,
}

impl ScrapePolicy {
    pub fn new(settings: &MetricsSettings) -> Self {
        Self {
            networks: settings
                .allowed_networks
                .iter()
                .filter_map(|n| n.parse().ok())
                .collect(),
            token: Some(settings.bearer_token.clone()).filter(|t| !t.is_empty()),
        }
    }

    fn allows(&self, req: &HttpRequest) -> bool {
        let peer: Option<IpAddr> = req.peer_addr().map(|a| a.ip());
        let Some(peer) = peer else {
            return false;
        };
        // An IPv4 peer may arrive as an IPv4-mapped IPv6 address on a dual-stack socket.
        let peer = match peer {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, IpAddr::V4),
            v4 => v4,
        };
        if !self.networks.iter().any(|n| n.contains(&peer)) {
            return false;
        }
        let Some(token) = &self.token else {
            return true;
        };
        let sent = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        constant_time_eq(sent.as_bytes(), token.as_bytes())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn handler(
    req: HttpRequest,
    policy: web::Data<ScrapePolicy>,
    metrics: web::Data<Metrics>,
    db: web::Data<Db>,
    events: web::Data<EventBus>,
    governance: web::Data<dyn GovernanceApi>,
) -> Result<HttpResponse, Problem> {
    if !policy.allows(&req) {
        // Not "forbidden": outsiders need not learn that the endpoint exists.
        return Err(Problem::not_found("no such resource"));
    }
    for (pool, max, open, idle) in db.pool_states() {
        metrics.set_pool(pool, max, open, idle);
    }
    let (reads, writes) = db.operations();
    metrics.set_operations(reads, writes);
    if let Some((commits, units)) = db.group_commits() {
        metrics.set_group_commits(commits, units);
    }
    if let Ok(subscriptions) = events.health().await {
        for s in subscriptions {
            metrics.set_subscription(&s.subscription, s.backlog, s.dead_letters);
        }
    }
    metrics.set_usage_pending(governance.unflushed().await);
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(metrics.encode()))
}
