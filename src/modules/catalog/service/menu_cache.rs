//! The public menu, built once per change and shared by every request until the next one.
//!
//! Writes in this process invalidate it at once; the TTL bounds how long a change made by
//! another replica (sharing PostgreSQL) can take to show here.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::modules::catalog::api::Menu;

pub struct MenuCache {
    ttl: Duration,
    slot: RwLock<Option<(Instant, Arc<Menu>)>>,
}

impl MenuCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: RwLock::new(None),
        }
    }

    /// The cached menu, unless it is missing or older than the TTL.
    pub fn fresh(&self) -> Option<Arc<Menu>> {
        let guard = self.slot.read().ok()?;
        let (built, snapshot) = guard.as_ref()?;
        (built.elapsed() < self.ttl).then(|| snapshot.clone())
    }

    pub fn store(&self, snapshot: Arc<Menu>) {
        if let Ok(mut guard) = self.slot.write() {
            *guard = Some((Instant::now(), snapshot));
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

    #[test]
    fn serves_until_invalidated_or_expired() {
        let cache = MenuCache::new(Duration::from_secs(60));
        assert!(cache.fresh().is_none());
        cache.store(snapshot());
        assert!(cache.fresh().is_some());
        cache.invalidate();
        assert!(cache.fresh().is_none());

        let expired = MenuCache::new(Duration::ZERO);
        expired.store(snapshot());
        assert!(expired.fresh().is_none());
    }
}
