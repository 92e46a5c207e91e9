//! API keys: issuing, listing, revoking, rotating and resolving them.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime, Utc};

use crate::modules::identity::api::{
    ApiKey, Call, CreatedApiKey, IdentityError, NewApiKey, Principal, Role, SCOPES,
};
use crate::modules::identity::domain::roles;
use crate::modules::identity::store::{self, api_keys::ApiKeyRow};
use crate::platform::db::Db;
use crate::platform::ids::{new_id, random_token, token_digest};
use crate::platform::validation::FieldError;

use super::credentials::{CredentialCache, FreshRevision, Known};

pub struct ApiKeys {
    db: Db,
    overlap: Duration,
    /// Live keys an account may hold at once.
    max_per_user: u32,
    credentials: Arc<CredentialCache>,
    revision: Arc<FreshRevision>,
}

/// `bk_` + 8 visible characters + `_` + 32 random bytes: the prefix tells people which key
/// it is; only the digest of the whole secret is stored.
fn new_secret() -> (String, String) {
    let prefix = format!("bk_{}", &random_token(6)[..8]);
    let secret = format!("{prefix}_{}", random_token(32));
    (prefix, secret)
}

/// The scopes `roles` may grant (admins grant all).
fn grantable(scope: &str, owner_roles: &[Role]) -> bool {
    owner_roles.contains(&Role::Admin)
        || SCOPES
            .iter()
            .any(|(name, by)| *name == scope && by.iter().any(|r| owner_roles.contains(r)))
}

impl ApiKeys {
    pub fn new(
        db: Db,
        overlap_secs: u64,
        max_per_user: u32,
        (credentials, revision): (Arc<CredentialCache>, Arc<FreshRevision>),
    ) -> Self {
        Self {
            db,
            overlap: Duration::seconds(overlap_secs as i64),
            max_per_user,
            credentials,
            revision,
        }
    }

    fn check(owner: &Call, request: &NewApiKey) -> Result<Vec<String>, IdentityError> {
        let mut errors = Vec::new();
        if owner.is_api_key() {
            return Err(IdentityError::Forbidden(
                "API keys cannot manage API keys; sign in".into(),
            ));
        }
        let mut scopes: Vec<String> = Vec::new();
        for (i, scope) in request.scopes.iter().enumerate() {
            if !SCOPES.iter().any(|(name, _)| name == scope) {
                errors.push(FieldError::new(
                    format!("scopes[{i}]"),
                    "unknown",
                    "is not a scope",
                ));
            } else if !grantable(scope, &owner.roles) {
                errors.push(FieldError::new(
                    format!("scopes[{i}]"),
                    "not_allowed",
                    "needs a role you do not have",
                ));
            } else if !scopes.contains(scope) {
                scopes.push(scope.clone());
            }
        }
        if request.name.trim().is_empty() {
            errors.push(FieldError::new("name", "length", "must not be blank"));
        }
        if request.expires_at.is_some_and(|t| t <= Utc::now()) {
            errors.push(FieldError::new(
                "expires_at",
                "in_the_past",
                "must be in the future",
            ));
        }
        if errors.is_empty() {
            Ok(scopes)
        } else {
            Err(IdentityError::Validation(errors))
        }
    }

    pub async fn create(
        &self,
        owner: &Call,
        request: NewApiKey,
    ) -> Result<CreatedApiKey, IdentityError> {
        let scopes = Self::check(owner, &request)?;
        let (prefix, secret) = new_secret();
        let row = ApiKeyRow {
            id: new_id("key"),
            user_id: owner.user_id.clone(),
            name: request.name.trim().to_owned(),
            prefix,
            secret_digest: token_digest(&secret),
            previous_digest: None,
            previous_valid_until: None,
            scopes: scopes.join(" "),
            created_at: Utc::now().naive_utc(),
            expires_at: request.expires_at.map(|t| t.naive_utc()),
            last_used_at: None,
            revoked_at: None,
        };
        let saved = row.clone();
        let max = i64::from(self.max_per_user);
        self.db
            .write(move |c| {
                if store::api_keys::live_count(c, &saved.user_id, saved.created_at)? >= max {
                    return Err(IdentityError::Conflict(format!(
                        "an account may hold at most {max} live API keys; revoke one first"
                    )));
                }
                store::api_keys::insert(c, &saved).map_err(IdentityError::from)
            })
            .await?;
        Ok(CreatedApiKey {
            key: row.into(),
            secret,
        })
    }

    pub async fn list(&self, owner: &Call) -> Result<Vec<ApiKey>, IdentityError> {
        let user = owner.user_id.clone();
        let rows = self
            .db
            .read(move |c| store::api_keys::of_user(c, &user).map_err(IdentityError::from))
            .await?;
        Ok(rows.into_iter().map(ApiKey::from).collect())
    }

    async fn own(&self, owner: &Call, id: &str) -> Result<ApiKeyRow, IdentityError> {
        if owner.is_api_key() {
            return Err(IdentityError::Forbidden(
                "API keys cannot manage API keys; sign in".into(),
            ));
        }
        let (user, key) = (owner.user_id.clone(), id.to_owned());
        self.db
            .read(move |c| store::api_keys::find(c, &user, &key).map_err(IdentityError::from))
            .await?
            .filter(|row| row.revoked_at.is_none())
            .ok_or_else(|| IdentityError::NotFound(format!("no live API key with id {id}")))
    }

    pub async fn revoke(&self, owner: &Call, id: &str) -> Result<(), IdentityError> {
        let row = self.own(owner, id).await?;
        self.db
            .write(move |c| {
                store::api_keys::revoke(c, &row.id, Utc::now().naive_utc())
                    .map_err(IdentityError::from)
            })
            .await
    }

    pub async fn rotate(&self, owner: &Call, id: &str) -> Result<CreatedApiKey, IdentityError> {
        let row = self.own(owner, id).await?;
        let (prefix, secret) = new_secret();
        let digest = token_digest(&secret);
        let until = Utc::now().naive_utc() + self.overlap;
        let (saved, new_prefix) = (row.clone(), prefix.clone());
        self.db
            .write(move |c| {
                store::api_keys::rotate(c, &saved, &digest, &new_prefix, until)
                    .map_err(IdentityError::from)
            })
            .await?;
        let mut key = ApiKey::from(row);
        key.prefix = prefix;
        Ok(CreatedApiKey { key, secret })
    }

    /// The key's owner with the key's scopes — and only while the owner still holds the
    /// roles those scopes need.
    pub async fn authenticate(&self, secret: &str) -> Result<Principal, IdentityError> {
        let digest = token_digest(secret);
        let revision = self.revision.get().await.map_err(IdentityError::Internal)?;
        let now = Utc::now().naive_utc();
        let known = match self.credentials.key(&digest, revision, now) {
            Some(known) => known,
            None => {
                let known = self.resolve(digest.clone(), revision, now).await?;
                self.credentials.remember_key(digest.clone(), known.clone());
                known
            }
        };
        self.touch(&digest, &known, now).await;
        Ok(known.principal)
    }

    async fn resolve(
        &self,
        digest: String,
        revision: i64,
        now: NaiveDateTime,
    ) -> Result<Known, IdentityError> {
        let found = self
            .db
            .read(move |c| {
                let Some(key) = store::api_keys::by_digest(c, &digest, now)? else {
                    return Ok(None);
                };
                let owner = store::user_by_id(c, &key.user_id)?;
                Ok::<_, IdentityError>(owner.map(|o| (key, o, digest)))
            })
            .await?;
        let Some((key, owner, digest)) = found else {
            return Err(IdentityError::InvalidToken);
        };
        if key.revoked_at.is_some() || key.expires_at.is_some_and(|t| t <= now) {
            return Err(IdentityError::InvalidToken);
        }
        // A previous secret works only until its overlap ends.
        let overlap_end = (key.secret_digest != digest)
            .then_some(key.previous_valid_until)
            .flatten();
        let valid_until = [key.expires_at, overlap_end].into_iter().flatten().min();
        let owner_roles = roles::decode(&owner.roles).map_err(IdentityError::Internal)?;
        let scopes: Vec<String> = ApiKey::from(key.clone())
            .scopes
            .into_iter()
            .filter(|s| grantable(s, &owner_roles))
            .collect();
        let venues = owner.venues()?;
        Ok(Known {
            principal: Principal {
                user_id: owner.id,
                session_id: key.id,
                roles: owner_roles,
                scopes: Some(scopes),
                venues,
                plan: owner.plan,
            },
            valid_until,
            revision,
            last_used_at: key.last_used_at,
        })
    }

    /// Records use at most once a minute, so using a key is almost always a read only; best
    /// effort: a failed touch must not fail the request.
    async fn touch(&self, digest: &str, known: &Known, now: NaiveDateTime) {
        if known
            .last_used_at
            .is_some_and(|t| now - t <= Duration::seconds(60))
        {
            return;
        }
        // Marked first, so the requests behind this one do not all write too.
        let mut marked = known.clone();
        marked.last_used_at = Some(now);
        self.credentials.remember_key(digest.to_owned(), marked);
        let id = known.principal.session_id.clone();
        let _ = self
            .db
            .write(move |c| store::api_keys::touch(c, &id, now).map_err(IdentityError::from))
            .await;
    }
}
