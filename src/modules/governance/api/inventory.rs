//! The API inventory: what Brigade serves, generated from the code and the live OpenAPI
//! document when the binary starts.

use serde::Serialize;
use utoipa::ToSchema;

/// What the composition root hands governance to build the inventory from.
pub struct InventorySource {
    pub modules: Vec<ModuleEntry>,
    /// The OpenAPI document as served at `/openapi.json`.
    pub openapi: serde_json::Value,
    pub events: Vec<EventEntry>,
    pub plans: Vec<PlanEntry>,
    /// The plan each caller class is counted against.
    pub plan_by_caller: PlansByCaller,
    /// Routes outside the versioned API (probes, docs, metrics, dashboard).
    pub operational: Vec<OperationEntry>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModuleEntry {
    pub name: String,
    pub version: String,
    pub owner: String,
    pub purpose: String,
    /// Modules whose contract this one uses.
    pub depends_on: Vec<String>,
    /// Number of operations tagged with this module.
    pub operations: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OperationEntry {
    pub method: String,
    pub path: String,
    pub operation_id: String,
    /// The owning module (the operation's OpenAPI tag).
    pub module: String,
    pub summary: String,
    /// `public` (anonymous), `partner` (API keys) or `internal` (signed-in staff and admins;
    /// customers' own operations too).
    pub visibility: String,
    /// Scopes an API key needs (empty: keys may not call it).
    pub scopes: Vec<String>,
    /// How callers authenticate: `none`, `bearer`, `api_key`.
    pub auth: Vec<String>,
    /// The rate-limit plan each caller class that may call it is counted against.
    pub rate_limit: PlansByCaller,
    pub deprecated: bool,
    /// When a deprecated operation stops being served (HTTP date).
    pub sunset: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PlansByCaller {
    pub anonymous: Option<String>,
    pub user: Option<String>,
    pub staff: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventEntry {
    pub event_type: String,
    pub version: u32,
    pub producer: String,
    pub consumers: Vec<String>,
    pub summary: String,
    /// JSON Schema of the payload.
    #[schema(value_type = Object)]
    pub schema: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanEntry {
    pub name: String,
    /// 0: not limited.
    pub per_second: u32,
    pub per_minute: u32,
    pub monthly_quota: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Inventory {
    pub modules: Vec<ModuleEntry>,
    pub operations: Vec<OperationEntry>,
    pub events: Vec<EventEntry>,
    pub plans: Vec<PlanEntry>,
}
