//! Rate limits per plan: every `/v1` call is counted against its caller's plan — per API key,
//! per user, or per client IP for anonymous callers — in memory or in Redis (shared by every
//! replica). Answers carry `RateLimit-Policy` and `RateLimit` (IETF httpapi draft); a refused
//! call gets 429 problem+json with `Retry-After`.

mod memory;
mod policy;
mod redis;

use std::net::IpAddr;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

pub use policy::{Decision, Window};

use crate::gateway::metrics::Metrics;
use crate::modules::governance::api::GovernanceApi;
use crate::modules::identity::api::{Principal, Role};
use crate::platform::config::{PlanSettings, RateLimitBackend, RateLimitSettings};
use crate::platform::problem::Problem;

enum Store {
    Memory(memory::MemoryStore),
    Redis(redis::RedisStore),
}

pub struct RateLimiter {
    settings: RateLimitSettings,
    trusted: Vec<IpAddr>,
    store: Store,
}

/// The internal plan sign-ups are counted on, per client address (not a configurable name,
/// so no operator's plan can collide with it).
const SIGNUP_PLAN: &str = "(sign-up)";

impl RateLimiter {
    pub fn new(settings: &RateLimitSettings) -> Self {
        let mut settings = settings.clone();
        settings.plans.insert(
            SIGNUP_PLAN.to_owned(),
            PlanSettings {
                per_hour: settings.signups_per_hour,
                ..PlanSettings::default()
            },
        );
        let store = match settings.backend {
            RateLimitBackend::Memory => Store::Memory(memory::MemoryStore::new(&settings.plans)),
            RateLimitBackend::Redis => Store::Redis(redis::RedisStore::new(
                &settings.redis_url,
                &settings.redis_prefix,
            )),
        };
        Self {
            trusted: settings
                .trusted_proxies
                .iter()
                .filter_map(|p| p.parse().ok())
                .collect(),
            settings,
            store,
        }
    }

    /// The plan and the bucket a caller is counted in: the plan an operator assigned to the
    /// user, else their class's default.
    fn classify<'a>(
        &'a self,
        principal: Option<&'a Principal>,
        ip: Option<IpAddr>,
    ) -> (&'a str, String) {
        let s = &self.settings;
        let assigned = principal
            .and_then(|p| p.plan.as_deref())
            .filter(|plan| s.plans.contains_key(*plan));
        // A key counts against its owner: the owner's plan and bucket, shared by all their
        // keys, so making more keys never buys more calls.
        let (default, bucket) = match principal {
            Some(p) if p.has_any(&[Role::Staff, Role::Kitchen, Role::Courier]) => {
                (&s.staff_plan, format!("user:{}", p.user_id))
            }
            Some(p) => (&s.user_plan, format!("user:{}", p.user_id)),
            None => (
                &s.anonymous_plan,
                format!("ip:{}", ip.map(|i| i.to_string()).unwrap_or_default()),
            ),
        };
        (assigned.unwrap_or(default), bucket)
    }

    fn plan(&self, name: &str) -> PlanSettings {
        self.settings.plans.get(name).copied().unwrap_or_default()
    }

    async fn check(&self, plan_name: &str, bucket: &str) -> Decision {
        let windows = policy::windows(&self.plan(plan_name));
        if windows.is_empty() {
            return Decision::unlimited();
        }
        let key = format!("{plan_name}:{bucket}");
        match &self.store {
            Store::Memory(m) => m.check(plan_name, &key, &windows),
            Store::Redis(r) => r.check(&key, &windows).await,
        }
    }

    /// The client's address: the peer, or — only when the peer is a trusted proxy — the
    /// nearest untrusted address in `X-Forwarded-For`.
    fn client_ip(&self, req: &ServiceRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|a| a.ip());
        let Some(peer) = peer.filter(|p| self.trusted.contains(p)) else {
            return peer;
        };
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        forwarded
            .split(',')
            .rev()
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .find(|a| !self.trusted.contains(a))
            .or(Some(peer))
    }
}

/// Adds the caller's monthly quota to `decision`, counted by governance's usage meter. When
/// the count cannot be read the call goes through (limits fail open, like the Redis store).
async fn with_monthly_quota(
    req: &ServiceRequest,
    decision: Decision,
    quota: u64,
    principal: Option<&Principal>,
) -> Decision {
    let Some(governance) = req.app_data::<web::Data<dyn GovernanceApi>>() else {
        return decision;
    };
    let Some(account) = principal.map(|p| p.user_id.as_str()) else {
        return decision;
    };
    match governance.account_calls_this_month(account).await {
        Ok(used) => {
            let (month_secs, left_secs) = month_bounds(chrono::Utc::now());
            decision.with_month(quota, used, month_secs, left_secs)
        }
        Err(e) => {
            tracing::warn!(error = %e, "monthly usage unreadable; quota not enforced for this call");
            decision
        }
    }
}

/// This calendar month's length and what is left of it, in seconds.
fn month_bounds(now: chrono::DateTime<chrono::Utc>) -> (u64, u64) {
    use chrono::{Datelike, TimeZone, Utc};
    let start = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now);
    let (y, m) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    let end = Utc
        .with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .unwrap_or(now);
    let secs = |d: chrono::TimeDelta| u64::try_from(d.num_seconds()).unwrap_or(0);
    (secs(end - start), secs(end - now))
}

fn set(res_headers: &mut actix_web::http::header::HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        res_headers.insert(HeaderName::from_static(name), v);
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limiter = req.app_data::<web::Data<RateLimiter>>().cloned();
    let Some(limiter) = limiter.filter(|l| l.settings.enabled && req.path().starts_with("/v1/"))
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // A credential that did not hold counts as anonymous; the handler answers its 401.
    let principal = crate::gateway::auth::principal(req.request());
    let ip = limiter.client_ip(&req);
    if req.method() == actix_web::http::Method::POST && req.path() == "/v1/auth/register" {
        let address = ip.map(|i| i.to_string()).unwrap_or_default();
        let signups = limiter.check(SIGNUP_PLAN, &format!("ip:{address}")).await;
        if !signups.allowed {
            let problem = Problem::too_many_requests(signups.retry_after_secs())
                .with_code("too_many_signups")
                .with_detail(format!(
                    "at most {} accounts may be registered per hour from one address; try again in {} seconds",
                    limiter.settings.signups_per_hour,
                    signups.retry_after_secs()
                ));
            return Ok(req.into_response(problem.error_response()));
        }
    }
    let (plan, bucket) = limiter.classify(principal.as_ref(), ip);
    let mut decision = limiter.check(plan, &bucket).await;
    let quota = limiter.plan(plan).monthly_quota;
    if decision.allowed && quota > 0 && principal.is_some() {
        decision = with_monthly_quota(&req, decision, quota, principal.as_ref()).await;
    }
    if !decision.allowed {
        if let Some(metrics) = req.app_data::<web::Data<Metrics>>() {
            metrics.refused(plan);
        }
        let mut problem = Problem::too_many_requests(decision.retry_after_secs());
        if decision.quota_exhausted() {
            problem = problem.with_detail(format!(
                "the monthly quota of the `{plan}` plan ({quota} calls) is used up; it renews at the start of next month (UTC)"
            ));
        }
        let mut res = problem.error_response();
        decision.write_headers(res.headers_mut());
        return Ok(req.into_response(res));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    decision.write_headers(res.headers_mut());
    Ok(res)
}
