//! SQLite's WAL checkpoints, off the writer.
//!
//! By default the connection whose commit pushes the write-ahead log past 1,000 pages copies
//! the log into the database file and syncs it, inside that commit: every so often one group
//! commit — and every request riding in it — waited for a checkpoint. The writer therefore
//! never checkpoints (`wal_autocheckpoint = 0`); this thread does, on a connection of its own,
//! every [`CHECKPOINT_EVERY`]. A passive checkpoint runs beside the writer without blocking it,
//! and commits stay durable in the log meanwhile (`synchronous` applies to both).
//!
//! A passive checkpoint copies the log but never starts it over: the log restarts only when a
//! commit finds no reader still on it, and under steady traffic some reader always is. The
//! journey bench grew the log to 1.3 GB in 30 seconds, its index (`-shm`, mapped into the
//! process) by 2 MiB, and reads slowed as they searched it. So once the log holds more than
//! [`RESTART_AFTER_FRAMES`], this thread asks the writer to start it over ([`restart`]) between
//! two batches: a restarting checkpoint run here would hold the write lock while it waited for
//! the readers, and the writer, turned away, backed off for tens of milliseconds (request p99
//! 118 ms against 27).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl};

use super::{DbConn, DbPool};

/// How often the log is copied into the database file.
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Log pages past which the log is started over: 16 MiB of log (2 KiB pages), 64 KiB of index.
pub(super) const RESTART_AFTER_FRAMES: i32 = 8192;

/// The log's frames its file keeps room for when the log starts over (`journal_size_limit`):
/// four times [`RESTART_AFTER_FRAMES`], past what the log reaches between two of this thread's
/// looks under load (the journey: some 12,000 frames).
///
/// A commit that writes past the file's end changes the file's size, so its `fdatasync` also
/// writes the file's inode and waits for that write: 0.31 ms a commit of ten rows against 0.18
/// ms inside the file, measured on this machine's disk. With the file cut back to the
/// restart's own size, every commit past that point, a fifth to a third of them under load,
/// paid it. Kept larger, the file reaches its largest size once and each restart writes over
/// what is there.
pub(super) const LOG_FILE_KEPT_FRAMES: i64 = 4 * RESTART_AFTER_FRAMES as i64;

/// What `PRAGMA wal_checkpoint` reports.
#[derive(QueryableByName)]
struct Checkpointed {
    /// Pages in the log.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
}

/// Copies the log into the database file, as far as no reader still needs it; says how many
/// pages the log holds.
fn checkpoint(conn: &mut DbConn) -> diesel::QueryResult<i32> {
    let passive: Checkpointed =
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)?;
    Ok(passive.log)
}

/// Copies the whole log, waiting (`busy_timeout`) for the readers still on it, so that the next
/// commit writes the log from its start. Run by the writer, between batches.
pub(super) fn restart(conn: &mut DbConn) -> diesel::QueryResult<()> {
    conn.batch_execute("PRAGMA wal_checkpoint(RESTART)")
}

/// The checkpointing thread; it ends when this is dropped.
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Checkpoints through `pool` (one connection of its own) until dropped, and raises
    /// `restart_due` once the log holds more than `restart_after` pages.
    pub(super) fn start(pool: DbPool, restart_after: i32, restart_due: Arc<AtomicBool>) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    let done = pool
                        .get()
                        .map_err(|e| e.to_string())
                        .and_then(|mut c| checkpoint(&mut c).map_err(|e| e.to_string()));
                    match done {
                        Ok(log) if log > restart_after => {
                            restart_due.store(true, Ordering::Relaxed)
                        }
                        Ok(_) => {}
                        Err(error) => {
                            tracing::warn!(%error, "cannot checkpoint the SQLite write-ahead log")
                        }
                    }
                }
            })
            .expect("cannot start the SQLite checkpoint thread");
        Self { _stop: stop }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::config::{DatabaseSettings, SqliteSynchronous};
    use crate::platform::db::{Db, DbError};

    #[actix_web::test]
    async fn the_log_reaches_the_database_file_without_any_write_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("checkpoints.db");
        let db = Db::connect(&DatabaseSettings::sqlite_for_tests(&file, 1)).unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        // About 2 MiB in the log: more than the 1,000 pages at which a commit would have
        // checkpointed by itself.
        db.write(|c| {
            c.batch_execute(
                "CREATE TABLE notes (body TEXT NOT NULL);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO notes SELECT printf('%.1000c', 'x') FROM n;",
            )
            .map_err(DbError::from)
        })
        .await
        .unwrap();
        let grown = |limit: u64| std::fs::metadata(&file).unwrap().len() > limit;
        for _ in 0..100 {
            if grown(before + 2_000_000) {
                return;
            }
            actix_web::rt::time::sleep(CHECKPOINT_EVERY).await;
        }
        panic!("the database file did not grow: nothing was checkpointed");
    }

    /// Under load the log grows past its restart point before the checkpointer sees it. Its
    /// file keeps that size when the log starts over, so the commits after it write inside the
    /// file and never change its size.
    #[test]
    fn a_log_started_over_keeps_its_file_for_the_commits_after() {
        use crate::platform::db::DatabaseUrl;
        use crate::platform::db::connection::Manager;

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kept.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}", file.display())).unwrap();
        let settings = DatabaseSettings::sqlite_for_tests(&file, 1);
        let writer = DbPool::builder()
            .max_size(1)
            .build(Manager::new(url, &settings, false, 0))
            .unwrap();
        let mut w = writer.get().unwrap();
        // 1,000-byte rows, two a page: some 2,000 frames past the restart point.
        let rows = (RESTART_AFTER_FRAMES + 2000) * 2;
        w.batch_execute(&format!(
            "CREATE TABLE notes (body TEXT NOT NULL);
             INSERT INTO notes SELECT printf('%.1000c', 'x') FROM
             (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
              SELECT i FROM n)"
        ))
        .unwrap();
        let log_file = || {
            std::fs::metadata(dir.path().join("kept.db-wal"))
                .unwrap()
                .len()
        };
        let grown = log_file();
        assert!(
            grown > RESTART_AFTER_FRAMES as u64 * 2048,
            "the log is {grown} bytes"
        );

        restart(&mut w).unwrap();
        // SQLite cuts the file back at the first commit after the log starts over.
        for n in 0..100 {
            w.batch_execute(&format!(
                "INSERT INTO notes VALUES ('after the restart {n}')"
            ))
            .unwrap();
            assert_eq!(log_file(), grown, "commit {n} after the restart");
        }
    }

    /// Under steady reads a passive checkpoint never lets the log start over; a restarting one
    /// by the writer does.
    #[test]
    fn under_steady_reads_a_long_log_is_started_over() {
        use crate::platform::db::DatabaseUrl;
        use crate::platform::db::connection::Manager;

        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::parse(&format!(
            "sqlite://{}",
            dir.path().join("steady.db").display()
        ))
        .unwrap();
        let settings = DatabaseSettings {
            url: String::new(),
            pool_size: 1,
            sqlite_synchronous: SqliteSynchronous::Normal,
            busy_timeout_ms: 1000,
            sqlite_memory_kib: 0,
            sqlite_reads_in_place: true,
        };
        let pool = |read_only: bool| {
            DbPool::builder()
                .max_size(1)
                .build(Manager::new(url.clone(), &settings, read_only, 0))
                .unwrap()
        };
        let writer = pool(false);
        let mut w = writer.get().unwrap();
        w.batch_execute("CREATE TABLE notes (body TEXT NOT NULL)")
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        // Two readers, each always in a read of its own, overlapping: one is always on the log.
        let readers: Vec<_> = (0..2)
            .map(|i| {
                let (reader, stop) = (pool(true), stop.clone());
                std::thread::spawn(move || {
                    let mut r = reader.get().unwrap();
                    std::thread::sleep(Duration::from_millis(i));
                    while !stop.load(Ordering::Relaxed) {
                        // A reader turned away now and then is not what this test is about.
                        let _ = r.batch_execute("BEGIN; SELECT count(*) FROM notes;");
                        std::thread::sleep(Duration::from_millis(2));
                        let _ = r.batch_execute("COMMIT");
                    }
                })
            })
            .collect();
        let mut checkpoints = pool(false).get().unwrap();
        // The log's length at each checkpoint: a passive one never shortens it, a restart does.
        // A restart may be turned away by a reader that outlasts its wait (on a loaded
        // machine, several in a row), so the test asks for one that got through.
        let mut lengths = Vec::new();
        for round in 1..=300 {
            w.batch_execute(
                "INSERT INTO notes SELECT printf('%.1000c', 'x') FROM
                 (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8)
                  SELECT i FROM n)",
            )
            .unwrap();
            if round % 20 == 10 {
                let log = checkpoint(&mut checkpoints).unwrap();
                lengths.push(log);
                if log > 64 {
                    restart(&mut w).unwrap();
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        stop.store(true, Ordering::Relaxed);
        readers.into_iter().for_each(|r| r.join().unwrap());
        assert!(
            lengths.windows(2).any(|pair| pair[1] < pair[0]),
            "the log only grew, never started over: {lengths:?}"
        );
    }
}
