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
use actix_web::{Error, HttpMessage, ResponseError, web};

pub use policy::{Decision, Window};

use crate::gateway::auth::{Authenticated, authenticate};
use crate::modules::identity::api::{IdentityApi, Principal, Role};
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

impl RateLimiter {
    pub fn new(settings: &RateLimitSettings) -> Self {
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
            settings: settings.clone(),
            store,
        }
    }

    /// The plan and the bucket a caller is counted in.
    fn classify(&self, principal: Option<&Principal>, ip: Option<IpAddr>) -> (&str, String) {
        let s = &self.settings;
        match principal {
            Some(p) if p.is_api_key() => (&s.api_key_plan, format!("key:{}", p.session_id)),
            Some(p) if p.has_any(&[Role::Staff, Role::Kitchen, Role::Courier]) => {
                (&s.staff_plan, format!("user:{}", p.user_id))
            }
            Some(p) => (&s.user_plan, format!("user:{}", p.user_id)),
            None => (
                &s.anonymous_plan,
                format!("ip:{}", ip.map(|i| i.to_string()).unwrap_or_default()),
            ),
        }
    }

    async fn check(&self, plan_name: &str, bucket: &str) -> Decision {
        let plan = self
            .settings
            .plans
            .get(plan_name)
            .copied()
            .unwrap_or(PlanSettings {
                per_second: 0,
                per_minute: 0,
            });
        let windows = policy::windows(&plan);
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
    // Authenticate once here; the `Caller` extractor reuses the outcome.
    let identity = req.app_data::<web::Data<dyn IdentityApi>>().cloned();
    let principal = match authenticate(req.request(), identity).await {
        None => {
            req.extensions_mut().insert(Authenticated(None));
            None
        }
        Some(Ok(principal)) => {
            req.extensions_mut()
                .insert(Authenticated(Some(principal.clone())));
            Some(principal)
        }
        // Counted as anonymous; the handler answers the 401.
        Some(Err(_)) => None,
    };
    let ip = limiter.client_ip(&req);
    let (plan, bucket) = limiter.classify(principal.as_ref(), ip);
    let decision = limiter.check(plan, &bucket).await;
    if !decision.allowed {
        let problem = Problem::too_many_requests(decision.retry_after_secs());
        let mut res = problem.error_response();
        decision.write_headers(res.headers_mut());
        return Ok(req.into_response(res));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    decision.write_headers(res.headers_mut());
    Ok(res)
}
