//! The identity module's implementation of its contract.

mod api_keys;
mod credentials;
mod signed_tokens;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Duration, NaiveDateTime, Utc};
use tokio::sync::Semaphore;

use crate::modules::identity::api::AuthSettings;
use crate::modules::identity::api::{
    ApiKey, Call, CreatedApiKey, IdentityApi, IdentityError, LoginRequest, NewApiKey, NewUser,
    Principal, RegisterRequest, Role, TokenResponse, UpdateMeRequest, UserView,
};
use crate::modules::identity::domain::hasher::Hasher;
use crate::modules::identity::domain::throttle::Policy;
use crate::modules::identity::domain::tokens::TokenKeys;
use crate::modules::identity::domain::{email, password, roles};
use crate::modules::identity::store::{self, SessionRow, UserRow};
use crate::platform::by_keys::ByKeys;
use crate::platform::db::{Db, is_unique_violation};
use crate::platform::ids::{new_id, random_token, token_digest};
use crate::platform::validation::FieldError;
use api_keys::ApiKeys;
use credentials::{CredentialCache, FreshRevision, Known};
use signed_tokens::SignedTokens;

pub struct IdentityService {
    db: Db,
    hasher: Hasher,
    /// argon2 takes `memory_kib` per hash: at most this many run at once, so a burst of
    /// sign-ins queues briefly (then gets 503) instead of exhausting memory.
    hashing: Arc<Semaphore>,
    hashing_queue: std::time::Duration,
    tokens: SignedTokens,
    refresh_ttl: Duration,
    throttle: Policy,
    api_keys: ApiKeys,
    credentials: Arc<CredentialCache>,
    revision: Arc<FreshRevision>,
    /// Accounts by id, concurrent readers sharing statements: `/v1/me` on every request.
    users: Arc<ByKeys<String, UserRow>>,
    /// Plans an operator may assign, from the rate-limit configuration.
    plans: Vec<String>,
}

impl IdentityService {
    pub fn new(db: Db, settings: &AuthSettings, plans: Vec<String>) -> Self {
        // Without a configured secret, tokens live and die with this process (`serve` warns).
        let secret = if settings.jwt_secret.is_empty() {
            random_token(48)
        } else {
            settings.jwt_secret.clone()
        };
        let credentials = Arc::new(CredentialCache::new(settings.credential_cache_entries));
        let revision = credentials::fresh_revision(db.clone());
        Self {
            api_keys: ApiKeys::new(
                db.clone(),
                settings.api_key_rotation_overlap_secs,
                settings.max_api_keys_per_user,
                (credentials.clone(), revision.clone()),
            ),
            credentials,
            revision,
            users: ByKeys::from_db(
                db.clone(),
                |c, id: &String| store::user_by_id(c, id),
                store::users_by_ids,
            ),
            plans,
            db,
            hasher: Hasher::new(&settings.argon2),
            hashing: Arc::new(Semaphore::new(hashers(settings.hashing_concurrency))),
            hashing_queue: std::time::Duration::from_millis(settings.hashing_queue_ms),
            tokens: SignedTokens::new(
                TokenKeys::new(secret.as_bytes(), settings.access_token_ttl_secs),
                settings.credential_cache_entries,
            ),
            refresh_ttl: Duration::seconds(settings.refresh_token_ttl_secs as i64),
            throttle: Policy {
                max_failures: settings.login_max_failures,
                lockout: Duration::seconds(settings.login_lockout_secs as i64),
            },
        }
    }

    /// argon2 is CPU-bound and memory-hungry: off the async workers, a bounded number at once.
    async fn on_hasher<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Hasher) -> T + Send + 'static,
    ) -> Result<T, IdentityError> {
        let permit = tokio::time::timeout(self.hashing_queue, self.hashing.clone().acquire_owned())
            .await
            .map_err(|_| IdentityError::Busy {
                retry_after_secs: 1,
            })?
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        let hasher = self.hasher.clone();
        actix_web::rt::task::spawn_blocking(move || {
            let _permit = permit;
            work(&hasher)
        })
        .await
        .map_err(|e| IdentityError::Internal(e.to_string()))
    }

    async fn hash(&self, password: String) -> Result<String, IdentityError> {
        self.on_hasher(move |h| h.hash(&password)).await
    }

    /// Makes `user`'s hash again with the configured settings if it was made with others:
    /// sign-in is the one moment the password is at hand. Best effort: the sign-in succeeds
    /// either way, and a password changed meanwhile is never overwritten.
    async fn upgrade_hash(&self, user: &UserRow, password: String) {
        if self.hasher.is_current(&user.password_hash) {
            return;
        }
        let (id, old) = (user.id.clone(), user.password_hash.clone());
        let upgraded = async {
            let new = self.hash(password).await?;
            self.db
                .write(move |conn| {
                    store::replace_password_hash(conn, &id, &old, &new).map_err(IdentityError::from)
                })
                .await
        };
        if let Err(e) = upgraded.await {
            tracing::warn!(user = %user.id, error = %e, "password hash not upgraded");
        }
    }

    /// Checks a password against the account's throttle: every check, whether signing in or
    /// changing the password, counts, so a stolen token cannot guess faster than a login.
    /// `stored` is `None` for an unknown account (checked against a decoy, and still counted).
    async fn check_password(
        &self,
        throttle_key: &str,
        password: String,
        stored: Option<String>,
    ) -> Result<bool, IdentityError> {
        let key = throttle_key.to_owned();
        let record = self
            .db
            .read(move |conn| store::throttle_record(conn, &key).map_err(IdentityError::from))
            .await?;
        if let Some(retry_after_secs) = self.throttle.locked_for(record.as_ref(), Utc::now()) {
            return Err(IdentityError::Throttled { retry_after_secs });
        }
        let ok = self
            .on_hasher(move |h| h.verify(&password, stored.as_deref()))
            .await?;
        let key = throttle_key.to_owned();
        if !ok {
            self.record_failure(key).await?;
        } else if record.is_some() {
            self.db
                .write(move |conn| store::clear_throttle(conn, &key).map_err(IdentityError::from))
                .await?;
        }
        Ok(ok)
    }

    async fn insert_user(&self, user: NewUser) -> Result<UserView, IdentityError> {
        // Every invalid field is reported at once, the email's included.
        let mut problems = Vec::new();
        let email = email::normalise(&user.email)
            .map_err(|e| problems.push(e))
            .unwrap_or_default();
        if let Err(e) = password::check("password", &user.password) {
            problems.push(e);
        }
        let name = user.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(FieldError::new(
                "name",
                "length",
                "must be 1 to 100 characters",
            ));
        }
        if !problems.is_empty() {
            return Err(IdentityError::Validation(problems));
        }
        let now = now();
        let row = UserRow {
            id: new_id("usr"),
            email,
            name,
            password_hash: self.hash(user.password).await?,
            roles: roles::encode(&with_customer(user.roles)),
            created_at: now,
            updated_at: now,
            plan: None,
            venue_ids: None,
        };
        let saved = row.clone();
        self.db
            .write(move |conn| match store::insert_user(conn, &row) {
                Err(e) if is_unique_violation(&e) => Err(IdentityError::EmailTaken),
                other => other.map_err(IdentityError::from),
            })
            .await?;
        view(saved)
    }

    async fn open_session(&self, user_id: String) -> Result<TokenResponse, IdentityError> {
        let refresh_token = format!("rt_{}", random_token(32));
        let now = now();
        let session = SessionRow {
            id: new_id("ses"),
            user_id: user_id.clone(),
            refresh_digest: token_digest(&refresh_token),
            previous_refresh_digest: None,
            created_at: now,
            expires_at: now + self.refresh_ttl,
            revoked_at: None,
        };
        let session_id = session.id.clone();
        self.db
            .write(move |conn| store::insert_session(conn, &session).map_err(IdentityError::from))
            .await?;
        Ok(self.token_response(&user_id, &session_id, refresh_token))
    }

    fn token_response(
        &self,
        user_id: &str,
        session_id: &str,
        refresh_token: String,
    ) -> TokenResponse {
        TokenResponse {
            access_token: self
                .tokens
                .keys()
                .issue(user_id, session_id, Utc::now().timestamp()),
            token_type: "Bearer".into(),
            expires_in: self.tokens.keys().ttl_secs,
            refresh_token,
        }
    }

    async fn load_user(&self, user_id: &str) -> Result<UserRow, IdentityError> {
        self.users
            .get(user_id)
            .await
            .map_err(IdentityError::Internal)?
            .ok_or_else(|| IdentityError::UserNotFound(user_id.to_owned()))
    }

    /// Writes an account an admin changed, and answers it. Raises the credentials revision:
    /// every cached principal is read again, so the change holds from the next request.
    async fn save_user(&self, mut row: UserRow) -> Result<UserView, IdentityError> {
        row.updated_at = now();
        let saved = row.clone();
        self.db
            .write(move |conn| store::update_user(conn, &row).map_err(IdentityError::from))
            .await?;
        view(saved)
    }

    async fn record_failure(&self, email: String) -> Result<(), IdentityError> {
        let policy = self.throttle;
        self.db
            .write(move |conn| {
                let record = store::throttle_record(conn, &email)?;
                let next = policy.after_failure(record.as_ref(), Utc::now());
                store::save_throttle_record(conn, &email, &next).map_err(IdentityError::from)
            })
            .await
    }
}

/// Hashes allowed at once: as configured, or one per core.
fn hashers(configured: usize) -> usize {
    if configured > 0 {
        return configured;
    }
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn with_customer(mut roles: Vec<Role>) -> Vec<Role> {
    if !roles.contains(&Role::Customer) {
        roles.push(Role::Customer);
    }
    roles
}

fn view(row: UserRow) -> Result<UserView, IdentityError> {
    let venue_ids = row.venues()?;
    Ok(UserView {
        id: row.id,
        email: row.email,
        name: row.name,
        roles: roles::decode(&row.roles).map_err(IdentityError::Internal)?,
        venue_ids,
        plan: row.plan,
        created_at: store::utc(row.created_at),
        updated_at: store::utc(row.updated_at),
    })
}

#[async_trait]
impl IdentityApi for IdentityService {
    async fn register(&self, request: RegisterRequest) -> Result<UserView, IdentityError> {
        self.insert_user(NewUser {
            email: request.email,
            password: request.password,
            name: request.name,
            roles: vec![Role::Customer],
        })
        .await
    }

    async fn create_user(&self, user: NewUser) -> Result<UserView, IdentityError> {
        self.insert_user(user).await
    }

    async fn login(&self, request: LoginRequest) -> Result<TokenResponse, IdentityError> {
        // A malformed email cannot belong to an account: treat it like an unknown one.
        let key = email::normalise(&request.email).unwrap_or_else(|_| request.email.to_lowercase());
        let user = {
            let key = key.clone();
            self.db
                .read(move |conn| store::user_by_email(conn, &key).map_err(IdentityError::from))
                .await?
        };
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        if !self
            .check_password(&key, request.password.clone(), stored)
            .await?
        {
            return Err(IdentityError::InvalidCredentials);
        }
        let user = user.expect("a verified password implies an account");
        self.upgrade_hash(&user, request.password).await;
        self.open_session(user.id).await
    }

    async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, IdentityError> {
        let old = token_digest(refresh_token);
        let new_token = format!("rt_{}", random_token(32));
        let new = token_digest(&new_token);
        // Failures return Ok(None) rather than Err so the reuse revocation below commits.
        let rotated = self
            .db
            .write(move |conn| {
                let now = now();
                match store::session_by_refresh(conn, &old)? {
                    Some(s) if s.revoked_at.is_none() && s.expires_at > now => {
                        let ok = store::rotate_refresh(conn, &s.id, &old, &new)?;
                        Ok::<_, IdentityError>(ok.then_some((s.user_id, s.id)))
                    }
                    Some(_) => Ok(None),
                    None => {
                        // A refresh token used twice was probably stolen: end that session.
                        if let Some(s) = store::session_by_previous_refresh(conn, &old)? {
                            store::revoke_session(conn, &s.id, now)?;
                            tracing::warn!(session = %s.id, "refresh token reused; session revoked");
                        }
                        Ok(None)
                    }
                }
            })
            .await?;
        let (user_id, session_id) = rotated.ok_or(IdentityError::InvalidToken)?;
        Ok(self.token_response(&user_id, &session_id, new_token))
    }

    async fn logout(&self, principal: &Call) -> Result<(), IdentityError> {
        let session_id = principal.session_id.clone();
        self.db
            .write(move |conn| {
                store::revoke_session(conn, &session_id, now()).map_err(IdentityError::from)
            })
            .await
    }

    async fn authenticate(&self, access_token: &str) -> Result<Principal, IdentityError> {
        let claims = self
            .tokens
            .verify(access_token, Utc::now().timestamp())
            .ok_or(IdentityError::InvalidToken)?;
        let revision = self.revision.get().await.map_err(IdentityError::Internal)?;
        let now = now();
        if let Some(principal) = self
            .credentials
            .session(&claims.sid, &claims.sub, revision, now)
        {
            return Ok(principal);
        }
        let (sid, sub) = (claims.sid.clone(), claims.sub.clone());
        let user = self
            .db
            .read(move |conn| {
                store::live_session_user(conn, &sid, &sub, now).map_err(IdentityError::from)
            })
            .await?
            .ok_or(IdentityError::InvalidToken)?;
        let principal = Principal {
            user_id: claims.sub.clone(),
            session_id: claims.sid.clone(),
            roles: roles::decode(&user.roles).map_err(IdentityError::Internal)?,
            scopes: None,
            plan: user.plan,
            venues: store::venues_of(user.venue_ids.as_deref())?,
        };
        self.credentials.remember_session(Known {
            principal: principal.clone(),
            valid_until: Some(user.expires_at),
            revision,
            last_used_at: None,
        });
        Ok(principal)
    }

    async fn authenticate_api_key(&self, secret: &str) -> Result<Principal, IdentityError> {
        self.api_keys.authenticate(secret).await
    }

    async fn create_api_key(
        &self,
        owner: &Call,
        request: NewApiKey,
    ) -> Result<CreatedApiKey, IdentityError> {
        self.api_keys.create(owner, request).await
    }

    async fn api_keys(&self, owner: &Call) -> Result<Vec<ApiKey>, IdentityError> {
        self.api_keys.list(owner).await
    }

    async fn revoke_api_key(&self, owner: &Call, id: &str) -> Result<(), IdentityError> {
        self.api_keys.revoke(owner, id).await
    }

    async fn rotate_api_key(&self, owner: &Call, id: &str) -> Result<CreatedApiKey, IdentityError> {
        self.api_keys.rotate(owner, id).await
    }

    async fn me(&self, principal: &Call) -> Result<UserView, IdentityError> {
        self.load_user(&principal.user_id).await.and_then(view)
    }

    async fn user(&self, admin: &Call, user_id: &str) -> Result<UserView, IdentityError> {
        may_administer(admin)?;
        self.load_user(user_id).await.and_then(view)
    }

    async fn update_profile(
        &self,
        principal: &Call,
        changes: UpdateMeRequest,
    ) -> Result<UserView, IdentityError> {
        let mut row = self.load_user(&principal.user_id).await?;
        if let Some(name) = &changes.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(IdentityError::Validation(vec![FieldError::new(
                    "name",
                    "length",
                    "must not be blank",
                )]));
            }
            row.name = name.to_owned();
        }
        let password_changed = changes.password.is_some();
        if let Some(new_password) = changes.password {
            password::check("password", &new_password)
                .map_err(|e| IdentityError::Validation(vec![e]))?;
            let Some(current) = changes.current_password else {
                return Err(IdentityError::Validation(vec![FieldError::new(
                    "current_password",
                    "required",
                    "is required to change the password",
                )]));
            };
            if !self
                .check_password(&row.email, current, Some(row.password_hash.clone()))
                .await?
            {
                return Err(IdentityError::Validation(vec![FieldError::new(
                    "current_password",
                    "mismatch",
                    "does not match the current password",
                )]));
            }
            row.password_hash = self.hash(new_password).await?;
        }
        row.updated_at = now();
        let saved = row.clone();
        let keep = principal.session_id.clone();
        self.db
            .write(move |conn| {
                store::update_user(conn, &row)?;
                if password_changed {
                    // A new password signs out every other device.
                    store::revoke_other_sessions(conn, &row.id, &keep, row.updated_at)?;
                }
                Ok::<_, IdentityError>(())
            })
            .await?;
        view(saved)
    }

    async fn set_roles(
        &self,
        actor: &Call,
        user_id: &str,
        new_roles: Vec<Role>,
    ) -> Result<UserView, IdentityError> {
        may_administer(actor)?;
        if actor.user_id == user_id && !new_roles.contains(&Role::Admin) {
            return Err(IdentityError::Conflict(
                "admins cannot remove their own admin role".into(),
            ));
        }
        let mut row = self.load_user(user_id).await?;
        row.roles = roles::encode(&with_customer(new_roles));
        self.save_user(row).await
    }

    async fn set_venues(
        &self,
        admin: &Call,
        user_id: &str,
        venue_ids: Option<Vec<String>>,
    ) -> Result<UserView, IdentityError> {
        may_administer(admin)?;
        let mut row = self.load_user(user_id).await?;
        row.venue_ids = venue_ids
            .map(|mut ids| {
                ids.sort();
                ids.dedup();
                serde_json::to_string(&ids)
            })
            .transpose()
            .map_err(|e| IdentityError::Internal(e.to_string()))?;
        self.save_user(row).await
    }

    async fn set_plan(
        &self,
        admin: &Call,
        user_id: &str,
        plan: Option<String>,
    ) -> Result<UserView, IdentityError> {
        may_administer(admin)?;
        if let Some(name) = &plan
            && !self.plans.contains(name)
        {
            return Err(IdentityError::Validation(vec![FieldError::new(
                "plan",
                "unknown",
                format!("no such plan; configured plans: {}", self.plans.join(", ")),
            )]));
        }
        let mut row = self.load_user(user_id).await?;
        row.plan = plan;
        self.save_user(row).await
    }
}

/// Only admins read and change other people's accounts, whoever calls.
fn may_administer(actor: &Call) -> Result<(), IdentityError> {
    actor
        .require(crate::modules::identity::api::roles::ADMINS)
        .map_err(IdentityError::Forbidden)
}
