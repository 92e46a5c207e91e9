//! The API inventory: what Brigade serves, generated from the code and the live OpenAPI
//! document when the binary starts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the composition root hands governance to build the inventory from.
#[derive(Debug, Clone)]
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

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "ordering", "version": "1.0.0", "owner": "front-of-house",
    "purpose": "Orders: placing, pricing, following and cancelling them.", "depends_on": ["catalog"], "operations": 6}))]
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

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"method": "POST", "path": "/v1/orders", "operation_id": "place_order", "module": "ordering",
    "summary": "Place an order", "visibility": "partner", "scopes": ["orders:write"], "auth": ["api_key", "bearer"],
    "rate_limit": {"user": "standard", "staff": "internal"}, "deprecated": false, "sunset": null}))]
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

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PlansByCaller {
    pub anonymous: Option<String>,
    pub user: Option<String>,
    pub staff: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"event_type": "order.paid", "version": 1, "producer": "ordering", "consumers": ["kitchen", "webhooks"],
    "summary": "The order was paid; the kitchen can start.", "schema": {"type": "object"}}))]
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

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "standard", "per_second": 20, "per_minute": 600, "monthly_quota": 1000000}))]
pub struct PlanEntry {
    pub name: String,
    /// 0: not limited.
    pub per_second: u32,
    pub per_minute: u32,
    pub monthly_quota: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Inventory {
    pub modules: Vec<ModuleEntry>,
    pub operations: Vec<OperationEntry>,
    pub events: Vec<EventEntry>,
    pub plans: Vec<PlanEntry>,
}
