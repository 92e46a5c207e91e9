//! Counts every request once it is answered: usage per caller for governance (billing,
//! quotas) and Prometheus series per route for operators. Both only touch memory here.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::gateway::metrics::{Metrics, UNMATCHED, method_label};
use crate::modules::governance::api::{GovernanceApi, Subject, UsageSample};
use crate::modules::identity::api::Principal;

/// The unit a caller's usage and quota are counted in.
pub fn subject_of(principal: Option<&Principal>) -> Subject {
    match principal {
        Some(p) if p.is_api_key() => Subject::ApiKey {
            key_id: p.session_id.clone(),
            user_id: p.user_id.clone(),
        },
        Some(p) => Subject::User(p.user_id.clone()),
        None => Subject::Anonymous,
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let governance = req.app_data::<web::Data<dyn GovernanceApi>>().cloned();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = method_label(req.method());
    let res = next.call(req).await?.map_into_boxed_body();
    let latency = started.elapsed();
    let request = res.request();
    let route = crate::platform::http::route::pattern(request);
    let status = res.status().as_u16();
    if let Some(metrics) = metrics {
        metrics.observe_request(method, route.as_deref(), status, latency);
    }
    if let Some(governance) = governance {
        let principal = crate::gateway::auth::principal(request);
        governance
            .record(UsageSample {
                at: chrono::Utc::now(),
                subject: subject_of(principal.as_ref()),
                operation: format!("{method} {}", route.as_deref().unwrap_or(UNMATCHED)),
                status,
                latency,
            })
            .await;
    }
    Ok(res)
}
