//! Rows read by their keys (ids, a customer's latest orders), concurrent callers sharing one
//! statement.
//!
//! On PostgreSQL every statement is a round trip, run on a blocking thread and handed back,
//! and under load that round trip is most of what an authenticated read costs. Callers asking
//! for rows by key while a read is running wait for the next one, which reads all of their
//! keys by one statement: under load a round trip serves every caller of a round, whatever
//! their number. Each caller still gets a read that began after it asked, so it sees every
//! change committed before it asked, as with [`FreshRead`](crate::platform::fresh::FreshRead).
//!
//! On SQLite a read by key is a library call of microseconds on the asking worker (see
//! [`Db::read`]): there each caller reads its own, as sharing would only add a hand-over.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use diesel::QueryResult;
use tokio::sync::oneshot;

use crate::platform::db::{Db, DbConn, DbError};

type Reading<K, V> = Pin<Box<dyn Future<Output = Result<Vec<(K, V)>, String>> + Send>>;
type ReadOne<K, V> = Arc<dyn Fn(&mut DbConn, &K) -> QueryResult<Option<V>> + Send + Sync>;
type Answer<V> = oneshot::Sender<Result<Option<V>, String>>;

/// Keys read by one statement at most: a bound on the statement's size and the round's wait.
const KEYS_PER_READ: usize = 128;

pub struct ByKeys<K, V> {
    read_many: Box<dyn Fn(Vec<K>) -> Reading<K, V> + Send + Sync>,
    /// SQLite: each caller's own read, in place.
    alone: Option<(Db, ReadOne<K, V>)>,
    waiting: Mutex<Waiting<K, V>>,
}

struct Waiting<K, V> {
    /// A task is reading rounds: callers only join the queue.
    running: bool,
    callers: Vec<(K, Answer<V>)>,
}

impl<K, V> ByKeys<K, V>
where
    K: Clone + Ord + Hash + Send + Sync + 'static,
    V: Clone + Send + 'static,
{
    /// Reads rounds with `read_many`, which answers what it found at its keys, each with its
    /// key.
    pub fn new<F, Fut>(read_many: F) -> Arc<Self>
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<(K, V)>, String>> + Send + 'static,
    {
        Arc::new(Self {
            read_many: Box::new(move |keys| Box::pin(read_many(keys))),
            alone: None,
            waiting: Mutex::new(Waiting {
                running: false,
                callers: Vec::new(),
            }),
        })
    }

    /// Reads from `db`: by `one` per caller where statements are library calls (SQLite), by
    /// `many` per round where they are round trips (PostgreSQL).
    pub fn from_db<O, M>(db: Db, one: O, many: M) -> Arc<Self>
    where
        O: Fn(&mut DbConn, &K) -> QueryResult<Option<V>> + Send + Sync + 'static,
        M: Fn(&mut DbConn, &[K]) -> QueryResult<Vec<(K, V)>> + Clone + Send + Sync + 'static,
    {
        let reader = db.clone();
        let mut by_keys = Self::new(move |keys: Vec<K>| {
            let (db, many) = (reader.clone(), many.clone());
            async move {
                db.read(move |c| many(c, &keys).map_err(DbError::from))
                    .await
                    .map_err(|e: DbError| e.to_string())
            }
        });
        if !db.reads_are_round_trips() {
            Arc::get_mut(&mut by_keys).expect("just made").alone = Some((db, Arc::new(one)));
        }
        by_keys
    }

    /// What is at `key`, as read by a read that began after this call.
    pub async fn get<Q>(self: &Arc<Self>, key: &Q) -> Result<Option<V>, String>
    where
        Q: ToOwned<Owned = K> + ?Sized,
    {
        if let Some((db, one)) = &self.alone {
            let (one, key) = (one.clone(), key.to_owned());
            return db
                .read(move |c| one(c, &key).map_err(DbError::from))
                .await
                .map_err(|e: DbError| e.to_string());
        }
        loop {
            let (answer, answered) = oneshot::channel();
            let lead = {
                let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
                waiting.callers.push((key.to_owned(), answer));
                !std::mem::replace(&mut waiting.running, true)
            };
            if lead {
                let rounds = Rounds {
                    by_keys: self.clone(),
                    done: false,
                };
                tokio::spawn(rounds.run());
            }
            // A dropped answer means the task reading rounds was dropped (its runtime
            // stopped): ask again, leading a task on this caller's runtime if need be.
            if let Ok(found) = answered.await {
                return found;
            }
        }
    }
}

/// Reads rounds while callers wait; if dropped midway, it drops their answers, so that
/// nobody waits for a round that will never run.
struct Rounds<K, V> {
    by_keys: Arc<ByKeys<K, V>>,
    done: bool,
}

impl<K, V> Rounds<K, V>
where
    K: Clone + Ord + Hash + Send + Sync + 'static,
    V: Clone + Send + 'static,
{
    async fn run(mut self) {
        loop {
            let round: Vec<(K, Answer<V>)> = {
                let mut waiting = self
                    .by_keys
                    .waiting
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                if waiting.callers.is_empty() {
                    waiting.running = false;
                    self.done = true;
                    return;
                }
                let n = waiting.callers.len().min(KEYS_PER_READ);
                waiting.callers.drain(..n).collect()
            };
            let mut keys: Vec<K> = round.iter().map(|(key, _)| key.clone()).collect();
            keys.sort_unstable();
            keys.dedup();
            match (self.by_keys.read_many)(keys).await {
                Ok(found) => {
                    let found: HashMap<K, V> = found.into_iter().collect();
                    for (key, answer) in round {
                        let _gone = answer.send(Ok(found.get(&key).cloned()));
                    }
                }
                Err(error) => {
                    for (_, answer) in round {
                        let _gone = answer.send(Err(error.clone()));
                    }
                }
            }
        }
    }
}

impl<K, V> Drop for Rounds<K, V> {
    fn drop(&mut self) {
        if !self.done {
            let mut waiting = self
                .by_keys
                .waiting
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            waiting.running = false;
            waiting.callers.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use tokio::sync::Notify;

    use super::*;

    /// A "database" of rows `a`..`e` holding their id's length, counting its statements.
    fn table() -> (Arc<AtomicU64>, Arc<ByKeys<String, usize>>) {
        let statements = Arc::new(AtomicU64::new(0));
        let counted = statements.clone();
        let by_keys = ByKeys::new(move |ids: Vec<String>| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                Ok(ids
                    .into_iter()
                    .filter(|id| id.as_str() <= "e")
                    .map(|id| (id.clone(), id.len()))
                    .collect())
            }
        });
        (statements, by_keys)
    }

    #[actix_web::test]
    async fn callers_asking_together_share_a_statement_and_each_gets_its_own_row() {
        let (statements, by_keys) = table();
        let ids = ["a", "b", "a", "zz", "c", "d", "e"];
        let rows = futures_util::future::join_all(ids.iter().map(|id| by_keys.get(*id))).await;
        let rows: Vec<Option<usize>> = rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            rows,
            [Some(1), Some(1), Some(1), None, Some(1), Some(1), Some(1)]
        );
        assert_eq!(statements.load(Ordering::SeqCst), 1);
    }

    #[actix_web::test]
    async fn a_caller_asking_during_a_round_waits_for_the_next_and_sees_a_change_made_before() {
        let value = Arc::new(AtomicU64::new(1));
        let (started, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let first = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let by_keys = {
            let (value, started, release) = (value.clone(), started.clone(), release.clone());
            ByKeys::new(move |ids: Vec<String>| {
                let read = value.load(Ordering::SeqCst);
                let (started, release) = (started.clone(), release.clone());
                let first = first.swap(false, Ordering::SeqCst);
                async move {
                    if first {
                        started.notify_one();
                        release.notified().await;
                    }
                    Ok(ids.into_iter().map(|id| (id, read)).collect())
                }
            })
        };
        let early = tokio::spawn({
            let by_keys = by_keys.clone();
            async move { by_keys.get("a").await }
        });
        started.notified().await;
        value.store(2, Ordering::SeqCst);
        let late = tokio::spawn({
            let by_keys = by_keys.clone();
            async move { by_keys.get("a").await }
        });
        tokio::task::yield_now().await;
        release.notify_one();
        assert_eq!(early.await.unwrap().unwrap(), Some(1));
        assert_eq!(late.await.unwrap().unwrap(), Some(2));
    }

    #[actix_web::test]
    async fn a_round_reads_a_bounded_number_of_ids() {
        let (statements, by_keys) = table();
        let ids: Vec<String> = (0..(3 * KEYS_PER_READ)).map(|n| format!("a{n}")).collect();
        let rows = futures_util::future::join_all(ids.iter().map(|id| by_keys.get(id))).await;
        assert!(rows.iter().all(|row| row.as_ref().unwrap().is_some()));
        assert_eq!(statements.load(Ordering::SeqCst), 3);
    }

    #[actix_web::test]
    async fn a_failed_statement_fails_its_round_and_the_next_caller_reads_again() {
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let f = failing.clone();
        let by_keys = ByKeys::new(move |ids: Vec<String>| {
            let failing = f.load(Ordering::SeqCst);
            async move {
                if failing {
                    Err("database is unreachable".to_owned())
                } else {
                    Ok(ids.into_iter().map(|id| (id, 7)).collect())
                }
            }
        });
        assert_eq!(
            by_keys.get("a").await.unwrap_err(),
            "database is unreachable"
        );
        failing.store(false, Ordering::SeqCst);
        assert_eq!(by_keys.get("a").await.unwrap(), Some(7));
    }

    #[actix_web::test]
    async fn callers_of_a_round_whose_task_was_dropped_ask_again() {
        let (_, by_keys) = table();
        by_keys.waiting.lock().unwrap().running = true;
        let rounds = Rounds {
            by_keys: by_keys.clone(),
            done: false,
        };
        let (row, ()) = futures_util::join!(by_keys.get("b"), async move { drop(rounds) });
        assert_eq!(row.unwrap(), Some(1));
    }
}
