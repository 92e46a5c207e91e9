//! What the module's calls take and return: usage, the inventory and the audit trail.

mod audit;
mod inventory;
mod usage;

pub use audit::{AuditEntry, AuditPage, AuditQuery};
pub use inventory::{
    EventEntry, Inventory, InventorySource, ModuleEntry, OperationEntry, PlanEntry, PlansByCaller,
};
pub use usage::{Granularity, Subject, UsageQuery, UsageReport, UsageRow, UsageSample};
