use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a user may do. Every account is at least a customer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    Customer,
    Staff,
    Kitchen,
    Courier,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Customer,
        Role::Staff,
        Role::Kitchen,
        Role::Courier,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Role> {
        s.parse().ok()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authenticated caller, as resolved from an access token or an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: String,
    /// The session, or the API key (`key_...`) the caller used.
    pub session_id: String,
    pub roles: Vec<Role>,
    /// `None` for a signed-in user (everything their roles allow); an API key's scopes
    /// otherwise.
    pub scopes: Option<Vec<String>>,
    /// The rate-limit plan an operator assigned to the user (their keys share it); `None`:
    /// the default of the caller's class.
    pub plan: Option<String>,
    /// The venues the user works at (their keys too); `None`: every venue.
    pub venues: Option<Vec<String>>,
}

impl Principal {
    /// Brigade acting on its own behalf (loading demo data, maintenance), with every power.
    /// For the composition root and the command line only: requests always get the principal
    /// their credential proves.
    pub fn system(task: &str) -> Self {
        Self {
            user_id: "system".to_owned(),
            session_id: task.to_owned(),
            roles: vec![Role::Admin],
            scopes: None,
            plan: None,
            venues: None,
        }
    }

    /// Whether an operation needing `scope` is open to this caller's credential.
    pub fn allows_scope(&self, scope: &str) -> bool {
        self.scopes
            .as_ref()
            .is_none_or(|granted| granted.iter().any(|s| s == scope))
    }

    pub fn is_api_key(&self) -> bool {
        self.scopes.is_some()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Admins hold every power a narrower role has.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.has_role(Role::Admin) || roles.iter().any(|r| self.has_role(*r))
    }

    /// Whether the principal works at venue `venue_id`: admins and unassigned accounts work
    /// at every venue.
    pub fn works_at(&self, venue_id: &str) -> bool {
        self.has_role(Role::Admin)
            || self
                .venues
                .as_ref()
                .is_none_or(|venues| venues.iter().any(|v| v == venue_id))
    }

    /// The venues the principal's view is limited to; `None`: every venue.
    pub fn venue_limit(&self) -> Option<&[String]> {
        if self.has_role(Role::Admin) {
            return None;
        }
        self.venues.as_deref()
    }

    /// `Err` saying so unless the principal works at venue `venue_id`; each service turns it
    /// into its own forbidden (or not found) error.
    pub fn require_venue(&self, venue_id: &str) -> Result<(), String> {
        if self.works_at(venue_id) {
            Ok(())
        } else {
            Err(format!("this account does not work at venue {venue_id}"))
        }
    }

    /// `Err` saying which roles it takes unless the principal holds one of `roles`; each
    /// service turns it into its own forbidden error.
    pub fn require(&self, roles: &[Role]) -> Result<(), String> {
        if self.has_any(roles) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(format!(
            "this operation needs one of the roles: {}",
            names.join(", ")
        ))
    }
}

impl crate::platform::http::caller::Credential for Principal {
    fn is_api_key(&self) -> bool {
        Principal::is_api_key(self)
    }

    fn allows_scope(&self, scope: &str) -> bool {
        Principal::allows_scope(self, scope)
    }
}

/// A call into a module: its principal and the request it serves. Handlers extract it
/// (401 without a credential); services authorize with it.
pub type Call = crate::platform::call::Call<Principal>;

impl Call {
    /// Brigade acting on its own behalf ([`Principal::system`]), for the composition root and
    /// the command line only.
    pub fn system(task: &str) -> Self {
        Self::new(Principal::system(task), format!("system:{task}"))
    }
}

/// Who may do what, defined once: every service checks its callers against these sets (and
/// admins hold every power a narrower role has).
pub mod roles {
    use super::Role;

    /// Change the menu.
    pub const MENU_EDITORS: &[Role] = &[Role::Staff];
    /// Set venues' hours, make them busy or pause them.
    pub const VENUE_MANAGERS: &[Role] = &[Role::Staff];
    /// See and manage every order, hand pickup orders over.
    pub const ORDER_STAFF: &[Role] = &[Role::Staff];
    /// Give money back.
    pub const REFUNDERS: &[Role] = &[Role::Staff];
    /// See tickets and prepare their lines.
    pub const COOKS: &[Role] = &[Role::Kitchen, Role::Staff];
    /// Claim, carry and deliver.
    pub const COURIERS: &[Role] = &[Role::Courier];
    /// See deliveries (couriers only the ones offered to them and their own).
    pub const DISPATCHERS: &[Role] = &[Role::Courier, Role::Staff];
    /// Register webhook endpoints for partners.
    pub const PARTNERS: &[Role] = &[Role::Staff];
    /// Operate Brigade: users, plans, usage, audit, events.
    pub const ADMINS: &[Role] = &[Role::Admin];
}

/// A call crosses into another process as an internal token, and is rebuilt from it there.
impl crate::platform::remote::Caller for Call {
    fn subject(&self) -> crate::platform::internal_token::Subject {
        crate::platform::internal_token::Subject {
            id: self.user_id.clone(),
            session: self.session_id.clone(),
            roles: self
                .roles
                .iter()
                .map(|r| <&'static str>::from(r).to_owned())
                .collect(),
            scopes: self.scopes.clone(),
            venues: self.venues.clone(),
        }
    }

    fn request_id(&self) -> &str {
        &self.request_id
    }

    fn from_claims(
        claims: &crate::platform::internal_token::Claims,
        request_id: &str,
    ) -> Result<Self, String> {
        let roles = claims
            .roles
            .iter()
            .map(|r| r.parse::<Role>().map_err(|_| format!("unknown role {r:?}")))
            .collect::<Result<_, _>>()?;
        Ok(Call::new(
            Principal {
                user_id: claims.sub.clone(),
                session_id: claims.sid.clone(),
                roles,
                scopes: claims.scopes.clone(),
                plan: None,
                venues: claims.venues.clone(),
            },
            request_id,
        ))
    }
}
