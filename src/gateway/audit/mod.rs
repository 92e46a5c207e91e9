//! The audit trail's source: every write by staff, kitchen, couriers or admins is published
//! as an `audit.recorded` event (who, what, when, target, outcome, before/after summaries)
//! through the gateway's outbox; governance records it. The gateway never writes governance's
//! tables.

pub mod store;
mod summary;

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::Value;
use utoipa::{PartialSchema, ToSchema};

use crate::modules::identity::api::{Call, Role};
use crate::platform::db::{Db, DbError};
use crate::platform::descriptor::EventSpec;
use crate::platform::events::{Event, OutboxTable, Wake};
use crate::platform::http::policy::PolicyTable;
use crate::platform::http::request_id;

pub const AUDIT_RECORDED: &str = "audit.recorded";

/// `audit.recorded` v1.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditRecorded {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: String,
    pub key_id: Option<String>,
    pub actor_roles: Vec<String>,
    /// `METHOD /route/{pattern}`.
    pub action: String,
    pub path: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub status: u16,
    pub request_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
}

/// Every event type the gateway publishes, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[EventSpec {
    event_type: AUDIT_RECORDED,
    version: 1,
    summary: "A staff, kitchen, courier or admin write was answered.",
    schema: AuditRecorded::schema,
}];

/// Loads a target's current state through its module's contract, as the actor may see it.
pub type Snapshot = Arc<dyn Fn(Call, String) -> BoxFuture<'static, Option<Value>> + Send + Sync>;

/// How to read each kind of target before a write, by the name operations give it in the
/// contract (`x-audit-target`).
#[derive(Default)]
pub struct AuditTargets(HashMap<&'static str, Snapshot>);

impl AuditTargets {
    pub fn add(&mut self, target_type: &'static str, snapshot: Snapshot) {
        self.0.insert(target_type, snapshot);
    }

    /// Target types the contract names that have no snapshot here.
    pub fn missing<'a>(&self, named: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        named
            .into_iter()
            .filter(|t| !self.0.contains_key(t))
            .collect()
    }
}

pub struct AuditLog {
    db: Db,
    wake: Wake,
    targets: AuditTargets,
}

impl AuditLog {
    pub fn targets(&self) -> &AuditTargets {
        &self.targets
    }

    pub fn new(db: Db, wake: Wake, targets: AuditTargets) -> Self {
        let wake = wake.of(store::Outbox.producer());
        Self { db, wake, targets }
    }

    async fn publish(&self, recorded: AuditRecorded) -> Result<(), DbError> {
        let event = Event::new(
            AUDIT_RECORDED,
            1,
            recorded.target_id.as_deref().unwrap_or(&recorded.actor_id),
            &recorded,
        );
        self.db
            .write(move |c| store::Outbox.append(c, &[event]).map_err(DbError::from))
            .await?;
        self.wake.published();
        Ok(())
    }
}

/// The gateway's outbox, for the event dispatcher. Composition root only.
pub fn outbox() -> Arc<dyn OutboxTable> {
    Arc::new(store::Outbox)
}

const AUDITED_ROLES: &[Role] = &[Role::Staff, Role::Kitchen, Role::Courier];

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let writes = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let log = req.app_data::<web::Data<AuditLog>>().cloned();
    let Some(log) = log.filter(|_| writes && req.path().starts_with("/v1/")) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(actor) =
        crate::gateway::auth::principal(req.request()).filter(|p| p.has_any(AUDITED_ROLES))
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let pattern = crate::platform::http::route::pattern(req.request())
        .unwrap_or_else(|| req.path().to_owned());
    let path = req.path().to_owned();
    let action = format!("{} {pattern}", req.method());
    let mut target_id = summary::first_param(&pattern, &path);
    let declared = req.app_data::<web::Data<PolicyTable>>().and_then(|p| {
        p.audit_target(req.method().as_str(), &pattern)
            .map(str::to_owned)
    });
    let snapshot = declared.as_deref().and_then(|t| log.targets.0.get(t));
    let target_type = declared.unwrap_or_else(|| summary::resource_of(&pattern));
    let before = match (snapshot, &target_id) {
        (Some(snapshot), Some(id)) => {
            let call = Call::new(
                actor.clone(),
                crate::platform::http::request_id::current().unwrap_or_default(),
            );
            snapshot(call, id.clone())
                .await
                .as_ref()
                .and_then(summary::summarise)
        }
        _ => None,
    };

    let res = next.call(req).await?;
    let status = res.status().as_u16();
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let after = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(|_| status < 400)
        .as_ref()
        .and_then(summary::summarise);
    if target_id.is_none() {
        target_id = after
            .as_ref()
            .and_then(|a| a["id"].as_str())
            .map(str::to_owned);
    }
    let recorded = AuditRecorded {
        at: chrono::Utc::now(),
        key_id: actor.is_api_key().then(|| actor.session_id.clone()),
        actor_roles: actor.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        actor_id: actor.user_id,
        action,
        path,
        target_type,
        target_id,
        status,
        request_id: request_id::current().unwrap_or_default(),
        before,
        after,
    };
    // The write is done and answered either way; a lost audit record is logged loudly.
    if let Err(e) = log.publish(recorded).await {
        tracing::error!(error = %e, "an audit record could not be written");
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}
