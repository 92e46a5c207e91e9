//! How a module describes itself and the events it publishes, for the API inventory. Each
//! module's `api` declares these next to the code they describe.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

#[derive(Debug, Clone, Copy)]
pub struct ModuleInfo {
    pub name: &'static str,
    /// The contract's version: bumped with every breaking change to the module's trait,
    /// DTOs or events.
    pub version: &'static str,
    /// Who answers for it.
    pub owner: &'static str,
    pub purpose: &'static str,
}

/// One published event type; `schema` is the payload type's own schema, so it cannot drift
/// from what the module serialises.
#[derive(Debug, Clone, Copy)]
pub struct EventSpec {
    pub event_type: &'static str,
    pub version: u32,
    pub summary: &'static str,
    pub schema: fn() -> RefOr<Schema>,
}
