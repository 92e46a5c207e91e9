//! The identity module's contract: what other modules and the gateway may use.

mod dto;
mod error;
pub mod events;
mod principal;
pub mod remote;
mod settings;

use async_trait::async_trait;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "identity",
        version: "1.0.0",
        owner: "platform team",
        purpose: "Accounts, sign-in sessions, roles and API keys.",
        uses: &[],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

pub use dto::{ApiKey, ApiKeyList, CreatedApiKey, NewApiKey, SCOPES};
pub use dto::{
    LoginRequest, NewUser, RefreshRequest, RegisterRequest, SetPlanRequest, SetRolesRequest,
    SetVenuesRequest, TokenResponse, UpdateMeRequest, UserView,
};
pub use error::IdentityError;
pub use principal::{Call, Principal, Role, roles};
pub use settings::{Argon2Settings, AuthSettings, PlanNames};

#[async_trait]
pub trait IdentityApi: Send + Sync {
    /// Creates a customer account.
    async fn register(&self, request: RegisterRequest) -> Result<UserView, IdentityError>;
    /// Provisions an account with chosen roles (operators' command line, demo data).
    async fn create_user(&self, user: NewUser) -> Result<UserView, IdentityError>;
    /// Exchanges credentials for tokens. Unknown email and wrong password fail identically.
    async fn login(&self, request: LoginRequest) -> Result<TokenResponse, IdentityError>;
    /// Rotates a refresh token into a new token pair.
    async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, IdentityError>;
    /// Revokes the caller's session: its access and refresh tokens stop working at once.
    async fn logout(&self, principal: &Call) -> Result<(), IdentityError>;
    /// Resolves an access token to the caller it belongs to.
    async fn authenticate(&self, access_token: &str) -> Result<Principal, IdentityError>;
    /// Resolves an API key's secret to its owner, limited to the key's scopes. Revoked,
    /// expired or unknown keys are `InvalidToken`.
    async fn authenticate_api_key(&self, secret: &str) -> Result<Principal, IdentityError>;
    async fn create_api_key(
        &self,
        owner: &Call,
        request: NewApiKey,
    ) -> Result<CreatedApiKey, IdentityError>;
    async fn api_keys(&self, owner: &Call) -> Result<Vec<ApiKey>, IdentityError>;
    async fn revoke_api_key(&self, owner: &Call, id: &str) -> Result<(), IdentityError>;
    /// A new secret; the old one keeps working for `auth.api_key_rotation_overlap_secs`.
    async fn rotate_api_key(&self, owner: &Call, id: &str) -> Result<CreatedApiKey, IdentityError>;
    /// The caller's own account.
    async fn me(&self, principal: &Call) -> Result<UserView, IdentityError>;
    /// Any account, for an admin.
    async fn user(&self, admin: &Call, user_id: &str) -> Result<UserView, IdentityError>;
    async fn update_profile(
        &self,
        principal: &Call,
        changes: UpdateMeRequest,
    ) -> Result<UserView, IdentityError>;
    /// Replaces a user's roles. `actor` may not take the admin role away from themselves.
    /// Assigns a configured rate-limit plan to a user (`None`: back to the default).
    async fn set_plan(
        &self,
        admin: &Call,
        user_id: &str,
        plan: Option<String>,
    ) -> Result<UserView, IdentityError>;
    async fn set_roles(
        &self,
        actor: &Call,
        user_id: &str,
        roles: Vec<Role>,
    ) -> Result<UserView, IdentityError>;
    /// Limits a user (staff, kitchen, courier) to the venues named; `None`: every venue.
    async fn set_venues(
        &self,
        admin: &Call,
        user_id: &str,
        venue_ids: Option<Vec<String>>,
    ) -> Result<UserView, IdentityError>;
}
