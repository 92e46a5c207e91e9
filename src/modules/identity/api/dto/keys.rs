//! API keys: long-lived credentials for partners and scripts, limited by scopes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::modules::identity::api::Role;

/// Every scope, and the roles that may grant it (admins may grant all). A key never gets
/// more than its owner's roles allow, checked when it is created and again on each use.
pub const SCOPES: &[(&str, &[Role])] = &[
    ("orders:read", &[Role::Customer]),
    ("orders:write", &[Role::Customer]),
    ("menu:write", &[Role::Staff]),
    ("kitchen", &[Role::Kitchen, Role::Staff]),
    ("delivery", &[Role::Courier]),
    ("webhooks", &[Role::Staff]),
    ("admin", &[Role::Admin]),
];

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "POS integration", "scopes": ["orders:read", "orders:write"]}))]
pub struct NewApiKey {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Among `orders:read`, `orders:write`, `menu:write`, `kitchen`, `delivery`,
    /// `webhooks`, `admin`, within what the owner's roles allow.
    #[validate(length(min = 1, max = 7))]
    #[schema(schema_with = scope_list)]
    pub scopes: Vec<String>,
    /// Optional; must be in the future.
    #[schema(max_length = 64)]
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "key_0193a5c27d1e7cc09a513e0b8f0e2f21", "name": "POS integration", "prefix": "bk_ab12cd34",
    "scopes": ["orders:read", "orders:write"], "created_at": "2026-11-21T09:30:00Z", "expires_at": null,
    "last_used_at": "2026-11-21T12:00:00Z", "revoked_at": null}))]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The start of the secret, to recognise it (`bk_ab12cd34…`).
    pub prefix: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new or rotated key: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// Send as `Authorization: Bearer <secret>` or `X-API-Key: <secret>`. Shown once.
    #[schema(example = "bk_ab12cd34_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA")]
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyList {
    pub data: Vec<ApiKey>,
}

/// One to seven of [`SCOPES`].
fn scope_list() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(SCOPES.iter().map(|(name, _)| *name))),
        )
        .min_items(Some(1))
        .max_items(Some(SCOPES.len()))
        .build()
}
