//! The governance module's api across a process boundary (see `platform::remote`).

use super::{
    AuditPage, AuditQuery, GovernanceApi, GovernanceError, Inventory, MODULE, UsageQuery,
    UsageReport, UsageSample,
};
use crate::modules::identity::api::Call;

crate::remote_api! {
    module MODULE, api GovernanceApi, error GovernanceError, caller Call;
    // Metering must never fail a request: a sample that cannot be handed over is dropped
    // (and logged), as a full in-process buffer would be.
    write record(; sample: UsageSample => UsageSample) -> (), or ();
    read unflushed(;) -> u64, or 0;
    write flush_usage(;) -> ();
    read account_calls_this_month(; user_id: &str => String) -> u64;
    read usage(viewer; query: UsageQuery => UsageQuery) -> UsageReport;
    read inventory(admin;) -> Inventory;
    read audit(admin; query: AuditQuery => AuditQuery) -> AuditPage;
}
