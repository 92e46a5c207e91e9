//! Event delivery as operators see it — subscriptions, backlogs, dead letters, re-drive — in
//! this process and in every process it calls: in a split deployment each process keeps the
//! cursors and dead letters of the consumers it hosts, and the edge's admin endpoints show
//! them all through one trait, served to other processes like a module's.

use std::sync::Arc;

use async_trait::async_trait;

use super::events_admin::SubscriptionState;
use crate::modules::identity::api::{Call, roles};
use crate::platform::events::{DeadLetter, EventBus, RedriveError, SubscriptionHealth};

crate::common_error! {
    /// How operating event delivery fails.
    EventsError
}

/// What [`crate::remote_api!`] names the pseudo-module by on internal routes.
pub struct Endpoint {
    pub name: &'static str,
}

pub const EVENTS: Endpoint = Endpoint { name: "events" };

#[async_trait]
pub trait EventOperations: Send + Sync {
    async fn subscriptions(&self, admin: &Call) -> Result<Vec<SubscriptionState>, EventsError>;
    async fn health(&self, admin: &Call) -> Result<Vec<SubscriptionHealth>, EventsError>;
    /// Newest first, after the dead letter `after` (ids sort by time across processes).
    async fn dead_letters(
        &self,
        admin: &Call,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, EventsError>;
    async fn redrive(&self, admin: &Call, id: &str) -> Result<DeadLetter, EventsError>;
}

crate::remote_api! {
    module EVENTS, api EventOperations, error EventsError, caller Call;
    read subscriptions(admin;) -> Vec<SubscriptionState>;
    read health(admin;) -> Vec<SubscriptionHealth>;
    read dead_letters(admin; after: Option<String> => Option<String>, limit: u32 => u32) -> Vec<DeadLetter>;
    write redrive(admin; id: &str => String) -> DeadLetter;
}

/// This process's own event delivery.
pub struct LocalEvents(pub EventBus);

fn admin_only(call: &Call) -> Result<(), EventsError> {
    call.require(roles::ADMINS).map_err(EventsError::Forbidden)
}

#[async_trait]
impl EventOperations for LocalEvents {
    async fn subscriptions(&self, admin: &Call) -> Result<Vec<SubscriptionState>, EventsError> {
        admin_only(admin)?;
        let cursors = self.0.cursors().await?;
        Ok(cursors
            .into_iter()
            .map(|c| SubscriptionState {
                name: c.subscription,
                position: c.position,
                attempts: c.attempts,
                last_error: c.last_error,
                leased_by: c.lease_owner,
                leased_until: c.leased_until.and_utc(),
            })
            .collect())
    }

    async fn health(&self, admin: &Call) -> Result<Vec<SubscriptionHealth>, EventsError> {
        admin_only(admin)?;
        Ok(self.0.health().await?)
    }

    async fn dead_letters(
        &self,
        admin: &Call,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, EventsError> {
        admin_only(admin)?;
        Ok(self.0.dead_letters(after, limit).await?)
    }

    async fn redrive(&self, admin: &Call, id: &str) -> Result<DeadLetter, EventsError> {
        admin_only(admin)?;
        self.0.redrive(id).await.map_err(|e| match e {
            RedriveError::NotFound(_) => EventsError::NotFound(e.to_string()),
            RedriveError::AlreadyRedriven(_) | RedriveError::FailedAgain(_) => {
                EventsError::Conflict(e.to_string())
            }
            RedriveError::Database(e) => EventsError::Internal(e.to_string()),
        })
    }
}

/// This process and every other process of the deployment, as one.
pub struct Everywhere {
    pub local: Arc<dyn EventOperations>,
    pub others: Vec<Arc<dyn EventOperations>>,
}

impl Everywhere {
    /// Every process's answer, in order; an unreachable one is left out (and logged), so
    /// operators still see the others.
    async fn gather<T, F, Fut>(&self, admin: &Call, ask: F) -> Result<Vec<T>, EventsError>
    where
        F: Fn(Arc<dyn EventOperations>) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, EventsError>>,
    {
        admin_only(admin)?;
        let mut all = ask(self.local.clone()).await?;
        for other in &self.others {
            match ask(other.clone()).await {
                Ok(found) => all.extend(found),
                Err(EventsError::Unavailable { module, .. }) => {
                    tracing::warn!(process = %module, "a process's event delivery is not reachable; left out");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(all)
    }
}

#[async_trait]
impl EventOperations for Everywhere {
    async fn subscriptions(&self, admin: &Call) -> Result<Vec<SubscriptionState>, EventsError> {
        self.gather(admin, |ops| async move { ops.subscriptions(admin).await })
            .await
    }

    async fn health(&self, admin: &Call) -> Result<Vec<SubscriptionHealth>, EventsError> {
        self.gather(admin, |ops| async move { ops.health(admin).await })
            .await
    }

    async fn dead_letters(
        &self,
        admin: &Call,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, EventsError> {
        let mut all = self
            .gather(admin, |ops| {
                let after = after.clone();
                async move { ops.dead_letters(admin, after, limit).await }
            })
            .await?;
        all.sort_by(|a, b| b.id.cmp(&a.id));
        all.truncate(limit as usize);
        Ok(all)
    }

    async fn redrive(&self, admin: &Call, id: &str) -> Result<DeadLetter, EventsError> {
        admin_only(admin)?;
        for ops in std::iter::once(&self.local).chain(&self.others) {
            match ops.redrive(admin, id).await {
                Err(EventsError::NotFound(_)) => continue,
                other => return other,
            }
        }
        Err(EventsError::NotFound(format!("no dead letter {id}")))
    }
}
