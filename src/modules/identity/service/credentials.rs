//! Who a session or an API key stands for, remembered so that authenticating is not a
//! database read per request — without ever trusting a credential a change has made mean less.
//!
//! Every such change (logout, password change, roles, plan, key revocation or rotation)
//! raises the credentials revision in its own transaction. A request reads the revision
//! fresh — a read that began after the request arrived, shared by every request waiting for
//! one (see [`FreshRevision`]) — and trusts only entries read at that revision or later. So a
//! change committed on any replica is seen by the next request on every replica, at the cost
//! of one small read per round of concurrent requests instead of a join per request.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDateTime;
use quick_cache::sync::Cache;

use crate::modules::identity::api::{IdentityError, Principal};
use crate::modules::identity::store;
use crate::platform::db::Db;
use crate::platform::fresh::FreshRead;

/// The credentials revision, read fresh for each caller (see [`FreshRead`]).
pub type FreshRevision = FreshRead<i64>;

/// Reads the credentials revision: a change raised before a caller asked is always seen.
pub fn fresh_revision(db: Db) -> Arc<FreshRevision> {
    FreshRead::from_db(db, |c| {
        store::credentials_revision(c).map_err(IdentityError::from)
    })
}

/// A credential's principal as read at `revision`, usable until `valid_until`.
#[derive(Debug, Clone)]
pub struct Known {
    pub principal: Principal,
    pub valid_until: Option<NaiveDateTime>,
    pub revision: i64,
    /// For API keys: when the key's use was last recorded.
    pub last_used_at: Option<NaiveDateTime>,
}

impl Known {
    fn usable(&self, revision: i64, now: NaiveDateTime) -> bool {
        self.revision >= revision && self.valid_until.is_none_or(|t| t > now)
    }
}

/// Sessions (by session id) and API keys (by secret digest) as last read, at most `capacity`
/// of each; a capacity of 0 remembers nothing.
pub struct CredentialCache {
    sessions: Option<Cache<String, Known>>,
    keys: Option<Cache<String, Known>>,
    /// The newest revision seen: entries from before it are dropped wholesale.
    seen: AtomicI64,
}

impl CredentialCache {
    pub fn new(capacity: usize) -> Self {
        let cache = || (capacity > 0).then(|| Cache::new(capacity));
        Self {
            sessions: cache(),
            keys: cache(),
            seen: AtomicI64::new(i64::MIN),
        }
    }

    /// The session's principal, if it was read at `revision` or later, still belongs to
    /// `user_id` and has not expired at `now`.
    pub fn session(
        &self,
        session_id: &str,
        user_id: &str,
        revision: i64,
        now: NaiveDateTime,
    ) -> Option<Principal> {
        self.observe(revision);
        let known = self.sessions.as_ref()?.get(session_id)?;
        (known.usable(revision, now) && known.principal.user_id == user_id)
            .then_some(known.principal)
    }

    pub fn remember_session(&self, known: Known) {
        self.observe(known.revision);
        if let Some(sessions) = &self.sessions {
            sessions.insert(known.principal.session_id.clone(), known);
        }
    }

    /// The key's principal, if read at `revision` or later and not expired at `now`.
    pub fn key(&self, digest: &str, revision: i64, now: NaiveDateTime) -> Option<Known> {
        self.observe(revision);
        let known = self.keys.as_ref()?.get(digest)?;
        known.usable(revision, now).then_some(known)
    }

    pub fn remember_key(&self, digest: String, known: Known) {
        self.observe(known.revision);
        if let Some(keys) = &self.keys {
            keys.insert(digest, known);
        }
    }

    /// A newer revision makes every older entry useless: free their memory now.
    fn observe(&self, revision: i64) {
        if self.seen.fetch_max(revision, Ordering::AcqRel) < revision {
            for cache in [&self.sessions, &self.keys].into_iter().flatten() {
                cache.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::identity::api::Role;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn known(session: &str, revision: i64, valid_until: Option<NaiveDateTime>) -> Known {
        Known {
            principal: Principal {
                user_id: "usr_1".into(),
                session_id: session.into(),
                roles: vec![Role::Customer],
                scopes: None,
                plan: None,
                venues: None,
            },
            valid_until,
            revision,
            last_used_at: None,
        }
    }

    #[test]
    fn a_session_read_at_the_current_revision_is_trusted_until_it_expires() {
        let cache = CredentialCache::new(10);
        cache.remember_session(known("ses_1", 3, Some(at(60))));
        assert!(cache.session("ses_1", "usr_1", 3, at(0)).is_some());
        assert!(cache.session("ses_1", "usr_1", 3, at(60)).is_none());
    }

    #[test]
    fn a_newer_revision_makes_every_older_entry_a_miss() {
        let cache = CredentialCache::new(10);
        cache.remember_session(known("ses_1", 3, None));
        cache.remember_key("digest".into(), known("key_1", 3, None));
        assert!(cache.session("ses_1", "usr_1", 4, at(0)).is_none());
        assert!(cache.key("digest", 4, at(0)).is_none());
        // ...and they are gone, not merely skipped, once the newer revision was seen.
        assert!(cache.session("ses_1", "usr_1", 3, at(0)).is_none());
    }

    #[test]
    fn an_entry_read_after_the_caller_s_revision_is_still_good() {
        let cache = CredentialCache::new(10);
        cache.remember_key("digest".into(), known("key_1", 5, None));
        assert!(cache.key("digest", 4, at(0)).is_some());
    }

    #[test]
    fn a_session_is_only_its_own_user_s() {
        let cache = CredentialCache::new(10);
        cache.remember_session(known("ses_1", 1, None));
        assert!(cache.session("ses_1", "usr_2", 1, at(0)).is_none());
    }

    #[test]
    fn a_cache_of_size_zero_remembers_nothing() {
        let cache = CredentialCache::new(0);
        cache.remember_session(known("ses_1", 1, None));
        assert!(cache.session("ses_1", "usr_1", 1, at(0)).is_none());
    }

    #[actix_web::test]
    async fn a_raised_revision_is_seen_by_the_next_caller() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("identity.db");
        let db =
            Db::connect(&crate::platform::config::DatabaseSettings::sqlite_for_tests(&file, 2))
                .unwrap();
        let revision = fresh_revision(db.clone());
        assert_eq!(revision.get().await.unwrap(), 0);
        db.write(|c| store::raise_credentials_revision(c).map_err(IdentityError::from))
            .await
            .unwrap();
        assert_eq!(revision.get().await.unwrap(), 1);
    }
}
