use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::modules::identity::api::Role;

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct-battery-staple-42", "name": "Ada"}))]
pub struct RegisterRequest {
    #[validate(length(min = 3, max = 254))]
    #[schema(format = "email", min_length = 3, max_length = 254)]
    pub email: String,
    /// 12 to 128 characters; common passwords are refused.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

/// An account provisioned by an operator, with its roles.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct-battery-staple-42"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "rt_3q2-7wEhYb0aJm1l2nQ8sVf4kR6tUx9zC5dG0pH7iLw"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9...",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "rt_3q2-7wEh..."
}))]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Single use: exchange at `POST /v1/auth/refresh` for a new pair.
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "usr_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "email": "ada@example.com",
    "name": "Ada",
    "roles": ["customer"],
    "venue_ids": null,
    "created_at": "2026-11-21T09:30:00Z",
    "updated_at": "2026-11-21T09:30:00Z"
}))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// The rate-limit plan assigned by an operator; absent: the default for the roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The venues the user works at (staff, kitchen and couriers see and act on those
    /// venues' orders, tickets and deliveries only); `null`: every venue.
    pub venue_ids: Option<Vec<String>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Changes to the caller's own profile. A new password needs the current one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ada L."}))]
pub struct UpdateMeRequest {
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(min_length = 12, max_length = 128)]
    pub password: Option<String>,
    #[validate(length(max = 1024))]
    #[schema(max_length = 1024)]
    pub current_password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan": "partner"}))]
pub struct SetPlanRequest {
    /// A configured plan's name, or `null` for the default of the user's roles.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub plan: Option<String>,
}

/// The venues a user works at.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"venue_ids": ["ven_default"]}))]
pub struct SetVenuesRequest {
    /// Venue ids; `null` (or left out): every venue.
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "each_venue_id"))]
    #[schema(schema_with = venue_id_list)]
    pub venue_ids: Option<Vec<String>>,
}

fn venue_id_list() -> utoipa::openapi::schema::Array {
    crate::platform::openapi::nullable_id_list(100)
}

fn each_venue_id(ids: &[String]) -> Result<(), validator::ValidationError> {
    if ids.iter().all(|id| (1..=64).contains(&id.chars().count())) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("length")
            .with_message("each venue id is 1 to 64 characters".into()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"roles": ["staff"]}))]
pub struct SetRolesRequest {
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5)]
    pub roles: Vec<Role>,
}
