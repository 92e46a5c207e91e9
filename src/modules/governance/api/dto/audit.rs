//! The audit trail: every staff and admin write, as the gateway saw it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "aud_0193a5c27d1e7cc09a513e0b8f0e2f31", "at": "2026-11-21T12:00:00Z",
    "actor_id": "usr_0193a5c27d1e7cc09a513e0b8f0e2f01", "key_id": null, "actor_roles": ["customer", "staff"],
    "action": "PATCH /v1/catalog/items/{id}", "path": "/v1/catalog/items/itm_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "target_type": "item", "target_id": "itm_0193a5c27d1e7cc09a513e0b8f0e2f11", "status": 200,
    "request_id": "0193a5c2-7d1e-7cc0-9a51-3e0b8f0e2f11", "before": {"price": 380}, "after": {"price": 400}}))]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// The user who acted.
    pub actor_id: String,
    /// The API key they acted with, if any.
    pub key_id: Option<String>,
    pub actor_roles: Vec<String>,
    /// `METHOD /route/{pattern}`.
    pub action: String,
    /// The concrete path.
    pub path: String,
    /// What was acted on, e.g. `catalog item`.
    pub target_type: String,
    /// Its id (the path's last parameter, or the created resource's id).
    pub target_id: Option<String>,
    pub status: u16,
    pub request_id: String,
    /// The target before the write (top-level fields; secrets redacted), when known.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The response after the write (top-level fields; secrets redacted).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    pub struct AuditQuery {
        /// Only this user's actions.
        #[validate(length(min = 1, max = 64))]
        #[param(min_length = 1, max_length = 64)]
        pub actor: Option<String>,
        /// Only this action, e.g. `PATCH /v1/catalog/items/{id}`.
        #[validate(length(min = 1, max = 200))]
        #[param(min_length = 1, max_length = 200)]
        pub action: Option<String>,
        /// Only actions on this target id.
        #[validate(length(min = 1, max = 64))]
        #[param(min_length = 1, max_length = 64)]
        pub target_id: Option<String>,
        /// From (inclusive), RFC 3339.
        pub from: Option<DateTime<Utc>>,
        /// To (exclusive), RFC 3339.
        pub to: Option<DateTime<Utc>>,
    }
}

crate::page_of! {
    /// Newest first.
    AuditPage of AuditEntry
}
