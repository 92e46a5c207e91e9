//! SQLite's WAL checkpoints, off the writer.
//!
//! By default the connection whose commit pushes the write-ahead log past 1,000 pages copies
//! the log into the database file and syncs it, inside that commit: every so often one group
//! commit — and every request riding in it — waited for a checkpoint. The writer therefore
//! never checkpoints (`wal_autocheckpoint = 0`); this thread does, on a connection of its own,
//! every [`CHECKPOINT_EVERY`]. A passive checkpoint runs beside the writer without blocking it,
//! and commits stay durable in the log meanwhile (`synchronous` applies to both).

use std::sync::mpsc;
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::DbPool;

/// How often the log is copied into the database file.
pub(super) const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The checkpointing thread; it ends when this is dropped.
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Checkpoints through `pool` (one connection of its own) until dropped.
    pub(super) fn start(pool: DbPool) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    let done = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                        c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
                            .map_err(|e| e.to_string())
                    });
                    if let Err(error) = done {
                        tracing::warn!(%error, "cannot checkpoint the SQLite write-ahead log");
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
        let db = Db::connect(&DatabaseSettings {
            url: format!("sqlite://{}", file.display()),
            pool_size: 1,
            sqlite_synchronous: SqliteSynchronous::Full,
            busy_timeout_ms: 1000,
            sqlite_memory_kib: 0,
        })
        .unwrap();
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
}
