//! Group commit on SQLite's one writer.
//!
//! SQLite commits one transaction at a time, and each durable commit waits for the disk
//! (`synchronous = FULL`). Requests therefore hand their write units to one thread that owns
//! the writer: it takes every unit queued meanwhile, runs them in one transaction — each in its
//! own savepoint, so a failing unit rolls back alone and its batch-mates go on — and answers
//! each caller only after the commit its unit rode in is durable. Under load many units share
//! one disk wait; alone, a unit commits at once (nothing waits to gather a batch).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::sqlite_library::HeldPages;
use super::{DbConn, DbError, DbPool};

/// The most units one transaction carries: bounds how long a batch holds SQLite's write lock
/// (other processes on the same file wait that long) and how much one failed commit refuses.
const MAX_BATCH: usize = 128;

/// The queue to the writer thread. The thread ends when the last handle is dropped.
pub(super) struct SingleWriter {
    queue: mpsc::Sender<Box<dyn Unit>>,
    counts: Arc<Counts>,
}

/// What the writer did since it started: operators (and the benchmarks) read how many units
/// share a commit.
#[derive(Default)]
struct Counts {
    commits: AtomicU64,
    units: AtomicU64,
}

impl SingleWriter {
    /// Commits through `pool`'s one connection; between batches, starts SQLite's log over when
    /// `restart_due` is raised (see `checkpointer`).
    pub(super) fn start(pool: DbPool, restart_due: Arc<AtomicBool>) -> Self {
        let (queue, units) = mpsc::channel::<Box<dyn Unit>>();
        let counts = Arc::new(Counts::default());
        let counted = counts.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                // Four pages: 204 chunks, some 200 KiB of one unit's journal.
                let _keeps_journal_pages = HeldPages::of(HeldPages::JOURNAL_CHUNK, 4);
                while let Ok(first) = units.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match units.try_recv() {
                            Ok(unit) => batch.push(unit),
                            Err(_) => break,
                        }
                    }
                    commit_batch(&pool, batch, &counted);
                    if restart_due.swap(false, Ordering::Relaxed) {
                        restart_log(&pool);
                    }
                }
            })
            .expect("cannot start the SQLite writer thread");
        Self { queue, counts }
    }

    /// `(commits, units committed)` since start.
    pub(super) fn counts(&self) -> (u64, u64) {
        (
            self.counts.commits.load(Ordering::Relaxed),
            self.counts.units.load(Ordering::Relaxed),
        )
    }

    /// Runs `work` in the next batch; resolves once its batch committed (or `work` failed).
    pub(super) async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let unit = Job {
            work: Some(work),
            outcome: None,
            reply,
        };
        if self.queue.send(Box::new(unit)).is_err() {
            return Err(DbError::Cancelled.into());
        }
        answer.await.unwrap_or(Err(DbError::Cancelled.into()))
    }
}

/// One caller's work, type-erased so units of every result type share the queue.
trait Unit: Send {
    /// Runs the work in a savepoint of the open transaction; `true` when it succeeded (its
    /// changes stay in the batch), `false` when it failed (they were rolled back).
    fn run(&mut self, conn: &mut DbConn) -> bool;
    /// Answers the caller: the work's outcome, or `failure` in place of a success whose batch
    /// did not commit.
    fn answer(self: Box<Self>, failure: Option<&str>);
}

struct Job<T, E, F> {
    work: Option<F>,
    outcome: Option<Result<T, E>>,
    reply: tokio::sync::oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> Unit for Job<T, E, F>
where
    F: FnOnce(&mut DbConn) -> Result<T, E> + Send,
    T: Send,
    E: From<DbError> + From<diesel::result::Error> + Send,
{
    fn run(&mut self, conn: &mut DbConn) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let ran = std::panic::catch_unwind(AssertUnwindSafe(|| conn.transaction(work)));
        let outcome = ran.unwrap_or_else(|_| {
            // A panic left its savepoint open: roll it back so the batch goes on without it.
            while depth(sqlite(conn)) > 1 {
                if AnsiTransactionManager::rollback_transaction(sqlite(conn)).is_err() {
                    break;
                }
            }
            Err(DbError::Cancelled.into())
        });
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn answer(self: Box<Self>, failure: Option<&str>) {
        let outcome = match (self.outcome, failure) {
            (Some(Ok(_)), Some(why)) | (None, Some(why)) => {
                Err(DbError::Commit(why.to_string()).into())
            }
            (Some(outcome), _) => outcome,
            (None, None) => Err(DbError::Cancelled.into()),
        };
        // The caller may have gone (a dropped request): nothing to answer then.
        let _ = self.reply.send(outcome);
    }
}

fn depth(conn: &mut diesel::SqliteConnection) -> u32 {
    AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .ok()
        .flatten()
        .map_or(0, |d| d.get())
}

/// Runs `batch` in one `BEGIN IMMEDIATE` transaction (it takes the write lock as it begins,
/// waiting `busy_timeout` for another process's writer) and answers every unit.
fn commit_batch(pool: &DbPool, batch: Vec<Box<dyn Unit>>, counts: &Counts) {
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(e) => return refuse(batch, &DbError::from(e).to_string()),
    };
    let conn: &mut DbConn = &mut conn;
    if let Err(e) = AnsiTransactionManager::begin_transaction_sql(sqlite(conn), "BEGIN IMMEDIATE") {
        return refuse(batch, &DbError::from(e).to_string());
    }
    let mut done = Vec::with_capacity(batch.len());
    for mut unit in batch {
        if unit.run(conn) {
            done.push(unit);
        } else {
            // A failure is final whatever the batch does: answer it now.
            unit.answer(None);
        }
    }
    if done.is_empty() {
        let _ = AnsiTransactionManager::rollback_transaction(sqlite(conn));
        return;
    }
    match AnsiTransactionManager::commit_transaction(sqlite(conn)) {
        Ok(()) => {
            // Counted before anyone hears of the commit, so no caller sees it uncounted.
            counts.commits.fetch_add(1, Ordering::Relaxed);
            counts.units.fetch_add(done.len() as u64, Ordering::Relaxed);
            done.into_iter().for_each(|unit| unit.answer(None));
        }
        Err(e) => {
            let _ = AnsiTransactionManager::rollback_transaction(sqlite(conn));
            refuse(done, &DbError::from(e).to_string());
        }
    }
}

/// Starts SQLite's write-ahead log over (see `checkpointer`); the next batch waits meanwhile.
fn restart_log(pool: &DbPool) {
    let restarted = pool
        .get()
        .map_err(DbError::from)
        .and_then(|mut conn| super::checkpointer::restart(&mut conn).map_err(DbError::from));
    if let Err(error) = restarted {
        tracing::warn!(%error, "cannot start the SQLite write-ahead log over");
    }
}

/// Answers every unit of a batch that did not commit with `why`.
fn refuse(batch: Vec<Box<dyn Unit>>, why: &str) {
    tracing::error!(
        error = why,
        units = batch.len(),
        "a write batch did not commit"
    );
    batch.into_iter().for_each(|unit| unit.answer(Some(why)));
}

fn sqlite(conn: &mut DbConn) -> &mut diesel::SqliteConnection {
    match conn {
        DbConn::Sqlite(inner) => inner,
        DbConn::Postgres(_) => unreachable!("the single writer serves SQLite only"),
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Waker};

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::DbConn;

    use crate::platform::config::DatabaseSettings;
    use crate::platform::db::{Db, DbError};

    diesel::table! {
        notes (id) {
            id -> Text,
        }
    }

    async fn database(dir: &tempfile::TempDir) -> Db {
        let db = Db::connect(&DatabaseSettings::sqlite_for_tests(
            &dir.path().join("w.db"),
            2,
        ))
        .unwrap();
        db.write(|c| {
            c.batch_execute("CREATE TABLE notes (id TEXT PRIMARY KEY NOT NULL)")
                .map_err(DbError::from)
        })
        .await
        .unwrap();
        db
    }

    fn note(id: &'static str) -> impl FnOnce(&mut DbConn) -> Result<(), DbError> {
        move |c| {
            crate::insert_or_ignore!(c, notes::table, notes::id.eq(id))?;
            Ok(())
        }
    }

    async fn stored(db: &Db) -> Vec<String> {
        db.read(|c| {
            notes::table
                .select(notes::id)
                .order(notes::id)
                .load::<String>(c)
                .map_err(DbError::from)
        })
        .await
        .unwrap()
    }

    /// Holds the writer inside a unit until the test lets go, so everything queued meanwhile
    /// rides in the next batch together.
    async fn with_writer_held<T>(db: &Db, queue_meanwhile: impl FnOnce() -> T) -> T {
        let (entered, wait_entered) = std::sync::mpsc::channel();
        let (release, wait_release) = std::sync::mpsc::channel::<()>();
        let holder = actix_web::rt::spawn({
            let db = db.clone();
            async move {
                db.write(move |c| {
                    entered.send(()).unwrap();
                    wait_release.recv().unwrap();
                    note("held")(c)
                })
                .await
            }
        });
        actix_web::rt::task::spawn_blocking(move || wait_entered.recv().unwrap())
            .await
            .unwrap();
        let queued = queue_meanwhile();
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        queued
    }

    type Write<'a> = Pin<Box<dyn Future<Output = Result<(), DbError>> + 'a>>;

    /// Starts a write: its first poll hands the unit to the writer's queue.
    fn queue<'a>(
        db: &'a Db,
        work: impl FnOnce(&mut DbConn) -> Result<(), DbError> + Send + 'static,
    ) -> Write<'a> {
        let mut write: Write<'a> = Box::pin(db.write(work));
        let polled = write.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        assert!(
            polled.is_pending(),
            "the writer is held: nothing can have committed"
        );
        write
    }

    #[actix_web::test]
    async fn writes_queued_together_commit_together_and_a_failing_one_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(&dir).await;
        let before = db.group_commits().unwrap();

        let [first, failing, panicking, last] = with_writer_held(&db, || {
            [
                queue(&db, note("first")),
                queue(&db, |c| {
                    note("failing")(c)?;
                    Err(DbError::Migration("refused".into()))
                }),
                queue(&db, |c| {
                    note("panicking")(c)?;
                    panic!("a bug in one unit")
                }),
                queue(&db, note("last")),
            ]
        })
        .await;

        assert!(first.await.is_ok());
        assert!(matches!(failing.await, Err(DbError::Migration(_))));
        assert!(matches!(panicking.await, Err(DbError::Cancelled)));
        assert!(last.await.is_ok());
        assert_eq!(stored(&db).await, ["first", "held", "last"]);
        let after = db.group_commits().unwrap();
        assert_eq!(
            after.0 - before.0,
            2,
            "the held unit's commit, then one for the rest"
        );
        assert_eq!(after.1 - before.1, 3);
    }

    #[actix_web::test]
    async fn a_write_is_answered_once_readers_see_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(&dir).await;
        for id in ["a", "b", "c"] {
            db.write(note(id)).await.unwrap();
            assert!(stored(&db).await.contains(&id.to_owned()));
        }
    }
}
