//! The governance module's contract: usage metering (and the monthly counts quotas read),
//! the API inventory and the audit trail.

mod audit;
mod inventory;
mod usage;

use async_trait::async_trait;

use crate::modules::identity::api::Principal;
use crate::platform::events::EventHandler;

pub use audit::{AuditEntry, AuditPage, AuditQuery};
pub use inventory::{
    EventEntry, Inventory, InventorySource, ModuleEntry, OperationEntry, PlanEntry, PlansByCaller,
};
pub use usage::{Granularity, Subject, UsageQuery, UsageReport, UsageRow, UsageSample};

use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "governance",
        version: "1.0.0",
        owner: "platform team",
        purpose: "The API inventory, usage metering and quotas, audit.",
        uses: &["identity"],
        publishes: &[],
        consumes: &[
            // The gateway publishes what staff and admins did; governance keeps the audit trail.
            crate::platform::descriptor::Consumes {
                producer: "gateway",
                event_types: &["audit.recorded"],
            },
        ],
    };

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum GovernanceError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
}

crate::internal_errors!(GovernanceError);

impl DeclaresProblem for GovernanceError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::NotFound(_) => Declared::not_found(),
            Self::Forbidden(_) => Declared::forbidden(),
            Self::Internal(_) => Declared::internal(),
        }
    }
}

#[async_trait]
/// Consumes `audit.recorded` (from the gateway) into the audit trail.
pub trait GovernanceApi: EventHandler {
    /// Counts one served request. In memory only, so it is cheap enough for every request;
    /// [`GovernanceApi::flush_usage`] writes the counts out in one batch.
    fn record(&self, sample: UsageSample);
    /// Requests counted in memory and not yet flushed.
    fn unflushed(&self) -> u64;
    /// Writes the counts gathered since the last flush (kept for the next one on failure).
    async fn flush_usage(&self) -> Result<(), GovernanceError>;
    /// Calls a user made this calendar month (UTC), directly or through any of their API
    /// keys, flushed or not; what monthly quotas are checked against. Other replicas' calls
    /// show once they flush and the cached database count is refreshed.
    async fn account_calls_this_month(&self, user_id: &str) -> Result<u64, GovernanceError>;
    /// Any usage for an admin; anyone else only of a key they own (`query.key`).
    async fn usage(
        &self,
        viewer: &Principal,
        query: UsageQuery,
    ) -> Result<UsageReport, GovernanceError>;
    fn inventory(&self, admin: &Principal) -> Result<&Inventory, GovernanceError>;
    async fn audit(
        &self,
        admin: &Principal,
        query: AuditQuery,
    ) -> Result<AuditPage, GovernanceError>;
}
