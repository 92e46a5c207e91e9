//! The governance module's contract: usage metering (and the monthly counts quotas read),
//! the API inventory and the audit trail.

mod dto;
mod error;
pub mod events;
pub mod remote;
mod settings;

use async_trait::async_trait;

use crate::modules::identity::api::Call;

pub use dto::{AuditEntry, AuditPage, AuditQuery};
pub use dto::{
    EventEntry, Inventory, InventorySource, ModuleEntry, OperationEntry, PlanEntry, PlansByCaller,
};
pub use dto::{Granularity, Subject, UsageQuery, UsageReport, UsageRow, UsageSample};

pub use error::GovernanceError;
pub use settings::GovernanceSettings;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "governance",
        version: "1.0.0",
        owner: "platform team",
        purpose: "The API inventory, usage metering and quotas, audit.",
        uses: &["identity"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

/// Its event handler consumes `audit.recorded` (from the gateway) into the audit trail.
#[async_trait]
pub trait GovernanceApi: Send + Sync {
    /// Counts one served request. In memory only, so it is cheap enough for every request;
    /// [`GovernanceApi::flush_usage`] writes the counts out in one batch.
    async fn record(&self, sample: UsageSample);
    /// Requests counted in memory and not yet flushed.
    async fn unflushed(&self) -> u64;
    /// Writes the counts gathered since the last flush (kept for the next one on failure).
    async fn flush_usage(&self) -> Result<(), GovernanceError>;
    /// Calls a user made this calendar month (UTC), directly or through any of their API
    /// keys, flushed or not; what monthly quotas are checked against. Other replicas' calls
    /// show once they flush and the cached database count is refreshed.
    async fn account_calls_this_month(&self, user_id: &str) -> Result<u64, GovernanceError>;
    /// Any usage for an admin; anyone else only of a key they own (`query.key`).
    async fn usage(&self, viewer: &Call, query: UsageQuery)
    -> Result<UsageReport, GovernanceError>;
    async fn inventory(&self, admin: &Call) -> Result<Inventory, GovernanceError>;
    async fn audit(&self, admin: &Call, query: AuditQuery) -> Result<AuditPage, GovernanceError>;
}
