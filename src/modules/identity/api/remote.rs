//! The identity module's api across a process boundary (see `platform::remote`).

use super::{
    ApiKey, Call, CreatedApiKey, IdentityApi, IdentityError, LoginRequest, MODULE, NewApiKey,
    NewUser, Principal, RegisterRequest, Role, TokenResponse, UpdateMeRequest, UserView,
};

crate::remote_api! {
    module MODULE, api IdentityApi, error IdentityError, caller Call;
    write register(; request: RegisterRequest => RegisterRequest) -> UserView;
    write create_user(; user: NewUser => NewUser) -> UserView;
    write login(; request: LoginRequest => LoginRequest) -> TokenResponse;
    write refresh(; refresh_token: &str => String) -> TokenResponse;
    write logout(principal;) -> ();
    // Reads, but sent as POST: credentials travel in bodies, never in URLs.
    write authenticate(; access_token: &str => String) -> Principal;
    write authenticate_api_key(; secret: &str => String) -> Principal;
    write create_api_key(owner; request: NewApiKey => NewApiKey) -> CreatedApiKey;
    read api_keys(owner;) -> Vec<ApiKey>;
    write revoke_api_key(owner; id: &str => String) -> ();
    write rotate_api_key(owner; id: &str => String) -> CreatedApiKey;
    read me(principal;) -> UserView;
    read user(admin; user_id: &str => String) -> UserView;
    write update_profile(principal; changes: UpdateMeRequest => UpdateMeRequest) -> UserView;
    write set_plan(admin; user_id: &str => String, plan: Option<String> => Option<String>) -> UserView;
    write set_roles(actor; user_id: &str => String, roles: Vec<Role> => Vec<Role>) -> UserView;
    write set_venues(admin; user_id: &str => String, venue_ids: Option<Vec<String>> => Option<Vec<String>>) -> UserView;
}
