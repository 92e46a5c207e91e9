//! What the module's calls take and return: accounts and sessions, API keys.

mod accounts;
mod keys;

pub use accounts::{
    LoginRequest, NewUser, RefreshRequest, RegisterRequest, SetPlanRequest, SetRolesRequest,
    SetVenuesRequest, TokenResponse, UpdateMeRequest, UserView,
};
pub use keys::{ApiKey, ApiKeyList, CreatedApiKey, NewApiKey, SCOPES};
