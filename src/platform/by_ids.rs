//! Rows read by their ids, concurrent callers sharing one statement.
//!
//! On PostgreSQL every statement is a round trip, run on a blocking thread and handed back,
//! and under load that round trip is most of what an authenticated read costs. Callers asking
//! for rows by id while a read is running wait for the next one, which reads all of their ids
//! by one statement: under load a round trip serves every caller of a round, whatever their
//! number. Each caller still gets a read that began after it asked, so it sees every change
//! committed before it asked, as with [`FreshRead`](crate::platform::fresh::FreshRead).
//!
//! On SQLite a read by id is a library call of microseconds on the asking worker (see
//! [`Db::read`]): there each caller reads its own row, as sharing would only add a hand-over.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use diesel::QueryResult;
use tokio::sync::oneshot;

use crate::platform::db::{Db, DbConn, DbError};

type Reading<V> = Pin<Box<dyn Future<Output = Result<Vec<(String, V)>, String>> + Send>>;
type ReadOne<V> = Arc<dyn Fn(&mut DbConn, &str) -> QueryResult<Option<V>> + Send + Sync>;
type Answer<V> = oneshot::Sender<Result<Option<V>, String>>;

/// Ids read by one statement at most: a bound on the statement's size and the round's wait.
const IDS_PER_READ: usize = 128;

pub struct ByIds<V> {
    read_many: Box<dyn Fn(Vec<String>) -> Reading<V> + Send + Sync>,
    /// SQLite: each caller's own read, in place.
    alone: Option<(Db, ReadOne<V>)>,
    waiting: Mutex<Waiting<V>>,
}

struct Waiting<V> {
    /// A task is reading rounds: callers only join the queue.
    running: bool,
    callers: Vec<(String, Answer<V>)>,
}

impl<V: Clone + Send + 'static> ByIds<V> {
    /// Reads rounds with `read_many`, which answers the rows found among its ids, each with
    /// its id.
    pub fn new<F, Fut>(read_many: F) -> Arc<Self>
    where
        F: Fn(Vec<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<(String, V)>, String>> + Send + 'static,
    {
        Arc::new(Self {
            read_many: Box::new(move |ids| Box::pin(read_many(ids))),
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
        O: Fn(&mut DbConn, &str) -> QueryResult<Option<V>> + Send + Sync + 'static,
        M: Fn(&mut DbConn, &[String]) -> QueryResult<Vec<(String, V)>>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        let reader = db.clone();
        let mut by_ids = Self::new(move |ids: Vec<String>| {
            let (db, many) = (reader.clone(), many.clone());
            async move {
                db.read(move |c| many(c, &ids).map_err(DbError::from))
                    .await
                    .map_err(|e: DbError| e.to_string())
            }
        });
        if !db.reads_are_round_trips() {
            Arc::get_mut(&mut by_ids).expect("just made").alone = Some((db, Arc::new(one)));
        }
        by_ids
    }

    /// The row with `id`, as read by a read that began after this call.
    pub async fn get(self: &Arc<Self>, id: &str) -> Result<Option<V>, String> {
        if let Some((db, one)) = &self.alone {
            let (one, id) = (one.clone(), id.to_owned());
            return db
                .read(move |c| one(c, &id).map_err(DbError::from))
                .await
                .map_err(|e: DbError| e.to_string());
        }
        loop {
            let (answer, answered) = oneshot::channel();
            let lead = {
                let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
                waiting.callers.push((id.to_owned(), answer));
                !std::mem::replace(&mut waiting.running, true)
            };
            if lead {
                let rounds = Rounds {
                    by_ids: self.clone(),
                    done: false,
                };
                tokio::spawn(rounds.run());
            }
            // A dropped answer means the task reading rounds was dropped (its runtime
            // stopped): ask again, leading a task on this caller's runtime if need be.
            if let Ok(row) = answered.await {
                return row;
            }
        }
    }
}

/// Reads rounds while callers wait; if dropped midway, it drops their answers, so that
/// nobody waits for a round that will never run.
struct Rounds<V> {
    by_ids: Arc<ByIds<V>>,
    done: bool,
}

impl<V: Clone + Send + 'static> Rounds<V> {
    async fn run(mut self) {
        loop {
            let round: Vec<(String, Answer<V>)> = {
                let mut waiting = self
                    .by_ids
                    .waiting
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                if waiting.callers.is_empty() {
                    waiting.running = false;
                    self.done = true;
                    return;
                }
                let n = waiting.callers.len().min(IDS_PER_READ);
                waiting.callers.drain(..n).collect()
            };
            let mut ids: Vec<String> = round.iter().map(|(id, _)| id.clone()).collect();
            ids.sort_unstable();
            ids.dedup();
            match (self.by_ids.read_many)(ids).await {
                Ok(rows) => {
                    let found: HashMap<String, V> = rows.into_iter().collect();
                    for (id, answer) in round {
                        let _gone = answer.send(Ok(found.get(&id).cloned()));
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

impl<V> Drop for Rounds<V> {
    fn drop(&mut self) {
        if !self.done {
            let mut waiting = self
                .by_ids
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
    fn table() -> (Arc<AtomicU64>, Arc<ByIds<usize>>) {
        let statements = Arc::new(AtomicU64::new(0));
        let counted = statements.clone();
        let by_ids = ByIds::new(move |ids: Vec<String>| {
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
        (statements, by_ids)
    }

    #[actix_web::test]
    async fn callers_asking_together_share_a_statement_and_each_gets_its_own_row() {
        let (statements, by_ids) = table();
        let ids = ["a", "b", "a", "zz", "c", "d", "e"];
        let rows = futures_util::future::join_all(ids.iter().map(|id| by_ids.get(id))).await;
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
        let by_ids = {
            let (value, started, release) = (value.clone(), started.clone(), release.clone());
            ByIds::new(move |ids: Vec<String>| {
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
            let by_ids = by_ids.clone();
            async move { by_ids.get("a").await }
        });
        started.notified().await;
        value.store(2, Ordering::SeqCst);
        let late = tokio::spawn({
            let by_ids = by_ids.clone();
            async move { by_ids.get("a").await }
        });
        tokio::task::yield_now().await;
        release.notify_one();
        assert_eq!(early.await.unwrap().unwrap(), Some(1));
        assert_eq!(late.await.unwrap().unwrap(), Some(2));
    }

    #[actix_web::test]
    async fn a_round_reads_a_bounded_number_of_ids() {
        let (statements, by_ids) = table();
        let ids: Vec<String> = (0..(3 * IDS_PER_READ)).map(|n| format!("a{n}")).collect();
        let rows = futures_util::future::join_all(ids.iter().map(|id| by_ids.get(id))).await;
        assert!(rows.iter().all(|row| row.as_ref().unwrap().is_some()));
        assert_eq!(statements.load(Ordering::SeqCst), 3);
    }

    #[actix_web::test]
    async fn a_failed_statement_fails_its_round_and_the_next_caller_reads_again() {
        let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let f = failing.clone();
        let by_ids = ByIds::new(move |ids: Vec<String>| {
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
            by_ids.get("a").await.unwrap_err(),
            "database is unreachable"
        );
        failing.store(false, Ordering::SeqCst);
        assert_eq!(by_ids.get("a").await.unwrap(), Some(7));
    }

    #[actix_web::test]
    async fn callers_of_a_round_whose_task_was_dropped_ask_again() {
        let (_, by_ids) = table();
        by_ids.waiting.lock().unwrap().running = true;
        let rounds = Rounds {
            by_ids: by_ids.clone(),
            done: false,
        };
        let (row, ()) = futures_util::join!(by_ids.get("b"), async move { drop(rounds) });
        assert_eq!(row.unwrap(), Some(1));
    }
}
