//! The public menu, built once per change and shared by every request until the next one.
//!
//! Writes in this process invalidate it at once; the TTL bounds how long a change made by
//! another replica (sharing PostgreSQL) can take to show here. Serving hours open and close
//! on whole minutes, so a menu is never kept past the minute it was built in.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use crate::modules::catalog::api::Menu;

pub struct MenuCache {
    ttl: Duration,
    /// The menu and until when it holds.
    slot: RwLock<Option<(DateTime<Utc>, Arc<Menu>)>>,
}

impl MenuCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: RwLock::new(None),
        }
    }

    /// The cached menu at `now`, unless it is missing or no longer holds.
    pub fn fresh(&self, now: DateTime<Utc>) -> Option<Arc<Menu>> {
        let guard = self.slot.read().ok()?;
        let (until, snapshot) = guard.as_ref()?;
        (now < *until).then(|| snapshot.clone())
    }

    /// Keeps `snapshot`, built at `now`, for the TTL but not past the minute.
    pub fn store(&self, snapshot: Arc<Menu>, now: DateTime<Utc>) {
        let ttl = TimeDelta::from_std(self.ttl).unwrap_or(TimeDelta::MAX);
        let minute = TimeDelta::minutes(1);
        let next_minute = now
            .duration_trunc(minute)
            .map_or(now, |floor| floor + minute);
        let until = now
            .checked_add_signed(ttl)
            .unwrap_or(next_minute)
            .min(next_minute);
        if let Ok(mut guard) = self.slot.write() {
            *guard = Some((until, snapshot));
        }
    }

    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.slot.write() {
            *guard = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Arc<Menu> {
        Arc::new(Menu { categories: vec![] })
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn serves_until_invalidated_expired_or_the_next_minute() {
        let cache = MenuCache::new(Duration::from_secs(60));
        let now = at("2026-12-03T08:00:20Z");
        assert!(cache.fresh(now).is_none());
        cache.store(snapshot(), now);
        assert!(cache.fresh(at("2026-12-03T08:00:59Z")).is_some());
        // Breakfast may end at 08:01.
        assert!(cache.fresh(at("2026-12-03T08:01:00Z")).is_none());
        cache.invalidate();
        assert!(cache.fresh(now).is_none());

        let expired = MenuCache::new(Duration::from_secs(5));
        expired.store(snapshot(), now);
        assert!(expired.fresh(at("2026-12-03T08:00:25Z")).is_none());
    }
}
