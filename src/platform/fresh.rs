//! A value read fresh for each caller, with concurrent callers sharing the reads.
//!
//! Every caller gets the result of a read that began after it asked, so it sees every change
//! committed before it asked — on any replica, since the read goes to the database — and
//! callers asking while a read is running share the next one. Under load that is one read per
//! round trip, whatever the number of callers: the credentials revision authenticating
//! requests, the webhook endpoints an event may interest. Its rounds are those of [`ByKeys`],
//! with a single key.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::platform::by_keys::ByKeys;
use crate::platform::db::{Db, DbConn, DbError};

pub struct FreshRead<T>(Arc<ByKeys<(), T>>);

impl<T: Clone + Send + Sync + 'static> FreshRead<T> {
    /// Reads with `read` (a database read, typically), at most one at a time.
    pub fn new<F, Fut>(read: F) -> Arc<Self>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, String>> + Send + 'static,
    {
        Arc::new(Self(ByKeys::new(move |_one: Vec<()>| {
            let reading = read();
            async move { Ok(vec![((), reading.await?)]) }
        })))
    }

    /// Reads with `query` on one of `db`'s readers.
    pub fn from_db<E, Q>(db: Db, query: Q) -> Arc<Self>
    where
        Q: Fn(&mut DbConn) -> Result<T, E> + Clone + Send + Sync + 'static,
        E: From<DbError> + std::fmt::Display + Send + 'static,
    {
        Arc::new(Self(ByKeys::shared_from_db(db, move |c, _one: &[()]| {
            Ok::<_, E>(vec![((), query(c)?)])
        })))
    }

    /// The value as read by a read that began after this call.
    pub async fn get(self: &Arc<Self>) -> Result<T, String> {
        self.0
            .get(&())
            .await?
            .ok_or_else(|| "a round of the fresh read answered nothing".to_owned())
    }
}

/// A [`FreshRead`] per key (a venue's id, say): callers asking for the same key share reads.
pub struct FreshByKey<T> {
    read: Arc<dyn Fn(String) -> Reading<T> + Send + Sync>,
    reads: Mutex<HashMap<String, Arc<FreshRead<T>>>>,
}

type Reading<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, String>> + Send>>;

/// Keys remembered before they are all forgotten: bounds memory however many keys are asked
/// for (unknown ones included); forgetting costs only sharing, never freshness.
const KEYS_KEPT: usize = 1024;

impl<T: Clone + Send + Sync + 'static> FreshByKey<T> {
    pub fn new<F, Fut>(read: F) -> Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, String>> + Send + 'static,
    {
        Self {
            read: Arc::new(move |key| Box::pin(read(key))),
            reads: Mutex::new(HashMap::new()),
        }
    }

    /// Reads the value at a key with `query` on one of `db`'s readers ([`Db::read`]).
    pub fn from_db<E, Q>(db: Db, query: Q) -> Self
    where
        Q: Fn(&mut DbConn, &str) -> Result<T, E> + Clone + Send + Sync + 'static,
        E: From<DbError> + std::fmt::Display + Send + 'static,
    {
        Self::new(move |key: String| {
            let (db, query) = (db.clone(), query.clone());
            async move {
                db.read(move |c: &mut DbConn| query(c, &key))
                    .await
                    .map_err(|e: E| e.to_string())
            }
        })
    }

    /// The value at `key` as read by a read that began after this call.
    pub async fn get(&self, key: &str) -> Result<T, String> {
        let fresh = {
            let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
            if !reads.contains_key(key) && reads.len() >= KEYS_KEPT {
                reads.clear();
            }
            reads
                .entry(key.to_owned())
                .or_insert_with(|| {
                    let (read, key) = (self.read.clone(), key.to_owned());
                    FreshRead::new(move || read(key.clone()))
                })
                .clone()
        };
        fresh.get().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    /// A "database" holding a number, counting its reads.
    fn counter() -> (Arc<AtomicU64>, Arc<AtomicU64>, Arc<FreshRead<u64>>) {
        let (value, reads) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (v, r) = (value.clone(), reads.clone());
        let fresh = FreshRead::new(move || {
            let (v, r) = (v.clone(), r.clone());
            async move {
                r.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Ok(v.load(Ordering::SeqCst))
            }
        });
        (value, reads, fresh)
    }

    #[actix_web::test]
    async fn callers_asking_together_share_a_read_and_a_change_is_seen_by_the_next_caller() {
        let (value, reads, fresh) = counter();
        let together = futures_util::future::join_all((0..50).map(|_| fresh.get())).await;
        assert!(together.iter().all(|r| matches!(r, Ok(0))), "{together:?}");
        // The first caller's read, then one more for everyone who asked while it ran.
        assert!(reads.load(Ordering::SeqCst) <= 2);

        value.store(1, Ordering::SeqCst);
        assert_eq!(fresh.get().await.unwrap(), 1);
    }

    #[actix_web::test]
    async fn a_failed_read_fails_its_callers_and_the_next_caller_reads_again() {
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let f = failing.clone();
        let fresh = FreshRead::new(move || {
            let failing = f.load(Ordering::SeqCst);
            async move {
                if failing {
                    Err("database is unreachable".to_owned())
                } else {
                    Ok(7)
                }
            }
        });
        assert_eq!(fresh.get().await.unwrap_err(), "database is unreachable");
        failing.store(false, Ordering::SeqCst);
        assert_eq!(fresh.get().await.unwrap(), 7);
    }

    #[actix_web::test]
    async fn each_key_is_read_on_its_own() {
        let fresh = FreshByKey::new(|key: String| async move { Ok(key.len()) });
        let (a, bc) = futures_util::join!(fresh.get("a"), fresh.get("bc"));
        assert_eq!((a.unwrap(), bc.unwrap()), (1, 2));
        for n in 0..(KEYS_KEPT + 10) {
            let key = format!("k{n}");
            assert_eq!(fresh.get(&key).await.unwrap(), key.len());
        }
        assert!(fresh.reads.lock().unwrap().len() <= KEYS_KEPT);
    }
}
