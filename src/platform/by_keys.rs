//! Rows read by their keys (ids, a customer's latest orders), concurrent callers sharing one
//! statement.
//!
//! On PostgreSQL every statement is a round trip, run off the async workers, and under load
//! that round trip is most of what an authenticated read costs. Callers asking for rows by
//! key while a read is running wait for the next one, which reads all of their keys by one
//! statement: under load a round trip serves every caller of a round, whatever their number.
//! The rounds follow one another on one connection, on a blocking thread, for as long as
//! callers keep coming (up to a bound, so that requests waiting for a connection get theirs).
//! Each caller still gets a read that began after it asked, so it sees every change
//! committed before it asked, as with [`FreshRead`](crate::platform::fresh::FreshRead).
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

use crate::platform::db::{Db, DbConn, DbError, as_event_work, is_event_work};

type Reading<K, V> = Pin<Box<dyn Future<Output = Result<Vec<(K, V)>, String>> + Send>>;
type ReadOne<K, V> = Arc<dyn Fn(&mut DbConn, &K) -> QueryResult<Option<V>> + Send + Sync>;
type ReadMany<K, V> = Arc<dyn Fn(&mut DbConn, &[K]) -> Result<Vec<(K, V)>, String> + Send + Sync>;
type Answer<V> = oneshot::Sender<Result<Option<V>, String>>;

/// Keys read by one statement at most: a bound on the statement's size and the round's wait.
const KEYS_PER_READ: usize = 128;

/// Rounds read on one connection before it goes back to the pool: a bound on how long a
/// busy key's readers keep a connection from the requests waiting for one.
const ROUNDS_PER_CONNECTION: u64 = 16;

pub struct ByKeys<K, V> {
    source: Source<K, V>,
    waiting: Mutex<Waiting<K, V>>,
}

/// Where callers' rows come from.
enum Source<K, V> {
    /// Rounds shared by concurrent callers.
    Shared(Shared<K, V>),
    /// SQLite: each caller's own read, in place.
    Alone(Db, ReadOne<K, V>),
}

/// Where a round's rows come from.
enum Shared<K, V> {
    /// A future per round, run on the async workers.
    Rounds(Box<dyn Fn(Vec<K>) -> Reading<K, V> + Send + Sync>),
    /// PostgreSQL: a statement per round, the rounds following one another on a connection
    /// held off the async workers. Handing each round to a blocking thread and back made it
    /// wait for its turn on a worker busy with requests: a round took some 1.1 ms where its
    /// statement took 0.35.
    Statements(Db, ReadMany<K, V>),
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
    fn with(source: Source<K, V>) -> Arc<Self> {
        Arc::new(Self {
            source,
            waiting: Mutex::new(Waiting {
                running: false,
                callers: Vec::new(),
            }),
        })
    }

    /// Reads rounds with `read_many`, which answers what it found at its keys, each with its
    /// key.
    pub fn new<F, Fut>(read_many: F) -> Arc<Self>
    where
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<(K, V)>, String>> + Send + 'static,
    {
        Self::with(Source::Shared(Shared::Rounds(Box::new(move |keys| {
            Box::pin(read_many(keys))
        }))))
    }

    /// Reads from `db`: by `one` per caller where statements are library calls (SQLite), by
    /// `many` per round where they are round trips (PostgreSQL).
    pub fn from_db<O, M>(db: Db, one: O, many: M) -> Arc<Self>
    where
        O: Fn(&mut DbConn, &K) -> QueryResult<Option<V>> + Send + Sync + 'static,
        M: Fn(&mut DbConn, &[K]) -> QueryResult<Vec<(K, V)>> + Send + Sync + 'static,
    {
        if db.reads_are_round_trips() {
            Self::on_statements(db, many)
        } else {
            Self::with(Source::Alone(db, Arc::new(one)))
        }
    }

    /// Reads from `db` by `many` per round, on both backends: on SQLite each round is one
    /// read in place ([`Db::read`]), for values every caller shares (a revision).
    pub fn shared_from_db<M, E>(db: Db, many: M) -> Arc<Self>
    where
        M: Fn(&mut DbConn, &[K]) -> Result<Vec<(K, V)>, E> + Clone + Send + Sync + 'static,
        E: From<DbError> + std::fmt::Display + Send + 'static,
    {
        if db.reads_are_round_trips() {
            return Self::on_statements(db, many);
        }
        Self::new(move |keys: Vec<K>| {
            let (db, many) = (db.clone(), many.clone());
            async move {
                db.read(move |c| many(c, &keys))
                    .await
                    .map_err(|e: E| e.to_string())
            }
        })
    }

    /// Rounds by `many`, one after another on a connection of `db`'s (PostgreSQL).
    fn on_statements<M, E>(db: Db, many: M) -> Arc<Self>
    where
        M: Fn(&mut DbConn, &[K]) -> Result<Vec<(K, V)>, E> + Send + Sync + 'static,
        E: std::fmt::Display,
    {
        let many: ReadMany<K, V> =
            Arc::new(move |c, keys| many(c, keys).map_err(|e| e.to_string()));
        Self::with(Source::Shared(Shared::Statements(db, many)))
    }

    /// What is at `key`, as read by a read that began after this call.
    pub async fn get<Q>(self: &Arc<Self>, key: &Q) -> Result<Option<V>, String>
    where
        Q: ToOwned<Owned = K> + ?Sized,
    {
        if let Source::Alone(db, one) = &self.source {
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
                // In its leader's lane: a round event work waits for is event work too.
                if is_event_work() {
                    tokio::spawn(as_event_work(rounds.run()));
                } else {
                    tokio::spawn(rounds.run());
                }
            }
            // A dropped answer means the task reading rounds was dropped (its runtime
            // stopped), or a round panicked: ask again, leading a task on this caller's
            // runtime if need be.
            if let Ok(found) = answered.await {
                return found;
            }
        }
    }

    /// The next round's callers, at most [`KEYS_PER_READ`] of them; none if nobody waits.
    fn next_round(&self) -> Vec<(K, Answer<V>)> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let n = waiting.callers.len().min(KEYS_PER_READ);
        waiting.callers.drain(..n).collect()
    }

    /// Ends the task reading rounds if nobody waits; otherwise it reads on.
    fn idle(&self) -> bool {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if waiting.callers.is_empty() {
            waiting.running = false;
            return true;
        }
        false
    }

    /// Reads rounds one after another on `c`, up to [`ROUNDS_PER_CONNECTION`], while callers
    /// wait; answers how many it read.
    fn rounds_on(&self, c: &mut DbConn, read_many: &ReadMany<K, V>) -> u64 {
        let mut read = 0;
        while read < ROUNDS_PER_CONNECTION {
            let round = self.next_round();
            if round.is_empty() {
                break;
            }
            let keys = keys_of(&round);
            answer(round, read_many(c, &keys));
            read += 1;
        }
        read
    }
}

/// A round's keys, each once.
fn keys_of<K: Clone + Ord, V>(round: &[(K, Answer<V>)]) -> Vec<K> {
    let mut keys: Vec<K> = round.iter().map(|(key, _)| key.clone()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn answer<K: Eq + Hash, V: Clone>(round: Vec<(K, Answer<V>)>, found: Result<Vec<(K, V)>, String>) {
    match found {
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
        let by_keys = self.by_keys.clone();
        let Source::Shared(shared) = &by_keys.source else {
            // Callers who read alone never wait for rounds.
            return;
        };
        while !self.by_keys.idle() {
            match shared {
                Shared::Rounds(read_many) => {
                    let round = self.by_keys.next_round();
                    let found = read_many(keys_of(&round)).await;
                    answer(round, found);
                }
                Shared::Statements(db, read_many) => {
                    let (by_keys, read_many) = (self.by_keys.clone(), read_many.clone());
                    let read = db
                        .scan(move |c| Ok::<_, DbError>(by_keys.rounds_on(c, &read_many)))
                        .await;
                    match read {
                        // The scan counted one read.
                        Ok(rounds) => db.count_reads(rounds.saturating_sub(1)),
                        // No connection (or a round panicked): those waiting hear why.
                        Err(error) => answer(self.by_keys.next_round(), Err(error.to_string())),
                    }
                }
            }
        }
        self.done = true;
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

    #[derive(diesel::QueryableByName)]
    struct Kv {
        #[diesel(sql_type = diesel::sql_types::Text)]
        k: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        v: i32,
    }

    fn all_kv(c: &mut DbConn) -> QueryResult<Vec<Kv>> {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT k, v FROM kv").load::<Kv>(c)
    }

    /// On PostgreSQL a busy key's rounds follow one another on one connection, each seeing
    /// what committed before its callers asked, and give it back after a bounded number:
    /// a write waiting for the last free connection gets in while readers keep asking.
    #[actix_web::test]
    async fn on_postgres_rounds_share_a_connection_and_give_it_back_to_a_waiting_write() {
        use diesel::connection::SimpleConnection;
        use std::sync::atomic::AtomicBool;
        use std::time::Duration;

        use crate::platform::db::test_schema::Holders;

        let Some((_schema, db)) = crate::platform::db::test_schema::postgres_db(4) else {
            return; // SQLite: callers read alone, in place
        };
        db.write(|c| {
            c.batch_execute(
                "CREATE TABLE kv (k text PRIMARY KEY, v int); INSERT INTO kv VALUES ('a', 1)",
            )
            .map_err(DbError::from)
        })
        .await
        .unwrap();
        let rounds = Arc::new(AtomicU64::new(0));
        let by_keys = {
            let rounds = rounds.clone();
            ByKeys::from_db(
                db.clone(),
                |c, key: &String| {
                    Ok(all_kv(c)?
                        .into_iter()
                        .find(|kv| &kv.k == key)
                        .map(|kv| kv.v))
                },
                move |c, keys: &[String]| {
                    // A round long enough for callers to queue behind it.
                    std::thread::sleep(Duration::from_millis(5));
                    rounds.fetch_add(1, Ordering::SeqCst);
                    Ok(all_kv(c)?
                        .into_iter()
                        .filter(|kv| keys.contains(&kv.k))
                        .map(|kv| (kv.k, kv.v))
                        .collect())
                },
            )
        };
        // Two of the three connections requests may hold, held until released.
        let holders = Holders::hold(&db, 2).await;
        // Readers keep asking, a new one every millisecond, until the write is in.
        let written = Arc::new(AtomicBool::new(false));
        let readers = actix_web::rt::spawn({
            let (by_keys, written) = (by_keys.clone(), written.clone());
            async move {
                let mut asked = Vec::new();
                let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
                while !written.load(Ordering::SeqCst) && tokio::time::Instant::now() < deadline {
                    let by_keys = by_keys.clone();
                    asked.push(actix_web::rt::spawn(async move { by_keys.get("a").await }));
                    actix_web::rt::time::sleep(Duration::from_millis(1)).await;
                }
                for reader in asked {
                    assert_eq!(reader.await.unwrap().unwrap(), Some(1));
                }
                written.load(Ordering::SeqCst)
            }
        });
        while rounds.load(Ordering::SeqCst) == 0 {
            actix_web::rt::time::sleep(Duration::from_millis(1)).await;
        }
        db.write(|c| {
            c.batch_execute("INSERT INTO kv VALUES ('b', 2)")
                .map_err(DbError::from)
        })
        .await
        .unwrap();
        written.store(true, Ordering::SeqCst);
        let rounds_before_the_write = rounds.load(Ordering::SeqCst);
        assert!(
            readers.await.unwrap(),
            "the write got in while readers were still asking"
        );
        assert!(
            rounds_before_the_write <= 2 * ROUNDS_PER_CONNECTION + 1,
            "{rounds_before_the_write} rounds kept the connection from the write"
        );
        assert_eq!(
            by_keys.get("b").await.unwrap(),
            Some(2),
            "a later round sees the write"
        );
        holders.release().await;
    }

    /// On PostgreSQL a round that event work leads reads in the events' lane: it gets a
    /// connection while requests hold all theirs.
    #[actix_web::test]
    async fn on_postgres_a_round_led_by_event_work_reads_in_its_lane() {
        use std::time::Duration;

        use crate::platform::db::test_schema::Holders;

        let Some((_schema, db)) = crate::platform::db::test_schema::postgres_db(4) else {
            return; // SQLite: callers read alone, in place
        };
        let by_keys = ByKeys::shared_from_db(db.clone(), |c, keys: &[String]| {
            use diesel::RunQueryDsl;
            let one: i32 = diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
                .get_result(c)
                .map_err(DbError::from)?;
            Ok::<_, DbError>(keys.iter().map(|k| (k.clone(), one)).collect())
        });
        // The three connections requests may hold.
        let holders = Holders::hold(&db, 3).await;
        let read = tokio::time::timeout(Duration::from_secs(10), as_event_work(by_keys.get("a")))
            .await
            .expect("the round gets a connection in the events' lane");
        assert_eq!(read.unwrap(), Some(1));
        holders.release().await;
    }
}
