//! One database code path over SQLite and PostgreSQL.
//!
//! The backend is picked explicitly from the URL scheme (never by trial, so a typo'd path does
//! not silently become an empty database). SQLite gets ONE writer connection plus a reader
//! pool: several pooled writers only fight over SQLite's single write lock ("database is
//! locked"), and that one writer group-commits (`single_writer`). PostgreSQL shares one pool
//! for both, a few of its connections kept for the work events ask for (`lanes`). Writes
//! never run on the async workers: SQLite's go to the writer thread, PostgreSQL's to the
//! blocking pool. Reads do on SQLite, where an idle reader takes them: a
//! read through an index is a library call of microseconds, and handing it to a blocking
//! thread costs two thread wake-ups, more than the read (measured: `GET /v1/orders/{id}` went
//! from 14.6k to 24.2k requests/s, and to 26.1–26.6k once each read was one snapshot).
//! `database.sqlite_reads_in_place` turns that off, for storage slow enough that a page read
//! waits on the disk. Reads whose size grows with the data go through [`Db::scan`], which
//! always hands them over, as PostgreSQL's round trips always are.

mod checkpointer;
mod connection;
mod lanes;
mod log_writes;
mod migrations;
mod one_of;
mod postgres_client;
mod prepared;
mod single_writer;
mod snapshot;
mod sqlite_library;
pub mod stored;
#[cfg(test)]
pub mod test_schema;
#[cfg(test)]
mod tests;
pub mod timestamp;
mod url;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use diesel::r2d2::{Pool, PooledConnection};

pub use connection::DbConn;
/// The backend queries written against [`DbConn`] are built for.
pub use connection::MultiBackend as DbBackend;
pub use lanes::{as_event_work, is_event_work};
pub use migrations::{Scope as MigrationScope, has_pending_migrations, migration_names, owner_of};
pub use one_of::{OneOf, none_of, one_of};
pub use postgres_client::establish_postgres;
pub use prepared::{Update, update as prepared_update};
#[cfg(test)]
pub use prepared::{statements_kept, statements_started};
pub use sqlite_library::establish_sqlite;
pub use url::DatabaseUrl;

use crate::platform::config::DatabaseSettings;
use connection::Manager;
use lanes::Lanes;
use snapshot::in_one_snapshot;

pub type DbPool = Pool<Manager>;
pub type Conn = PooledConnection<Manager>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("no database connection available: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database task was cancelled")]
    Cancelled,
    #[error("the write did not commit: {0}")]
    Commit(String),
}

/// Handle to the database: cheap to clone, shared by every module's store.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    writer: DbPool,
    /// SQLite: the thread that batches every write into group commits.
    single_writer: Option<single_writer::SingleWriter>,
    /// SQLite: the thread that checkpoints the write-ahead log.
    _checkpointer: Option<checkpointer::Checkpointer>,
    reader: DbPool,
    /// PostgreSQL: the writer and the reader are the same pool.
    shared: bool,
    /// PostgreSQL: a few of the pool's connections kept for event work.
    lanes: Lanes,
    /// SQLite: index-bounded reads run on the asking worker while a reader is idle.
    reads_in_place: bool,
    /// Reads and write transactions run since start: the benchmarks count them per order.
    reads: AtomicU64,
    writes: AtomicU64,
}

impl Db {
    /// Connects, creating the SQLite file's directory if needed, and applies migrations.
    pub fn connect(settings: &DatabaseSettings) -> Result<Self, DbError> {
        Self::connect_for(settings, &MigrationScope::All)
    }

    /// Like [`Db::connect`], applying only `scope`'s migrations.
    pub fn connect_for(
        settings: &DatabaseSettings,
        scope: &MigrationScope,
    ) -> Result<Self, DbError> {
        let url = DatabaseUrl::parse(&settings.url).map_err(DbError::Connect)?;
        if let DatabaseUrl::Sqlite(path) = &url
            && let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbError::Connect(format!("cannot create {}: {e}", dir.display())))?;
        }
        migrations::run_migrations(&url, settings, scope)?;
        let build = |manager: Manager, size: u32| {
            Pool::builder()
                .max_size(size)
                .connection_timeout(std::time::Duration::from_secs(10))
                // A failed query already surfaces a broken connection; testing each checkout
                // would add a round trip to every query.
                .test_on_check_out(false)
                .build(manager)
                .map_err(|e| DbError::Connect(e.to_string()))
        };
        let (writer_cache, other_cache) =
            connection::cache_shares(settings.sqlite_memory_kib, settings.pool_size);
        let (writer, reader) = match &url {
            DatabaseUrl::Sqlite(_) => (
                build(Manager::new(url.clone(), settings, false, writer_cache), 1)?,
                build(
                    Manager::new(url.clone(), settings, true, other_cache),
                    settings.pool_size,
                )?,
            ),
            DatabaseUrl::Postgres(_) => {
                let pool = build(
                    Manager::new(url.clone(), settings, false, 0),
                    settings.pool_size,
                )?;
                (pool.clone(), pool)
            }
        };
        let shared = matches!(url, DatabaseUrl::Postgres(_));
        // PostgreSQL runs writers in parallel and groups concurrent commits itself; one
        // batching writer there serialises every round trip (measured: no faster).
        let restart_due = Arc::new(AtomicBool::new(false));
        let single_writer = (!shared)
            .then(|| single_writer::SingleWriter::start(writer.clone(), restart_due.clone()));
        let checkpointer = match &url {
            DatabaseUrl::Sqlite(_) => Some(checkpointer::Checkpointer::start(
                build(Manager::new(url.clone(), settings, false, other_cache), 1)?,
                checkpointer::RESTART_AFTER_FRAMES,
                restart_due,
            )),
            DatabaseUrl::Postgres(_) => None,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                single_writer,
                _checkpointer: checkpointer,
                writer,
                reader,
                shared,
                lanes: if shared {
                    Lanes::new(settings.pool_size)
                } else {
                    Lanes::none()
                },
                reads_in_place: !shared && settings.sqlite_reads_in_place,
                reads: AtomicU64::new(0),
                writes: AtomicU64::new(0),
            }),
        })
    }

    /// Runs read-only work on a reader connection: work bounded by an index (rows by their
    /// key, one page of a range). On SQLite it runs in one snapshot, right here when a reader
    /// is idle (see the module's doc); otherwise, and always on PostgreSQL, on the blocking
    /// pool.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        if self.inner.shared {
            return self.scan(work).await;
        }
        if self.inner.reads_in_place
            && let Some(mut conn) = self.inner.reader.try_get()
        {
            self.inner.reads.fetch_add(1, Ordering::Relaxed);
            return in_one_snapshot(&mut conn, work);
        }
        self.scan(move |c| in_one_snapshot(c, work)).await
    }

    /// Runs read-only work whose size grows with the data (a whole menu, a report, a feed's
    /// replay) on a reader connection, off the async workers.
    pub async fn scan<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.inner.reads.fetch_add(1, Ordering::Relaxed);
        let pool = self.inner.reader.clone();
        let admitted = self.inner.lanes.admit().await;
        run_blocking(move || {
            // Held until the connection is back, even if the caller stops waiting.
            let _admitted = admitted;
            let mut conn = pool.get().map_err(DbError::from)?;
            work(&mut conn)
        })
        .await
    }

    /// Whether each statement is a round trip to a server (PostgreSQL), rather than a library
    /// call on the asking thread (SQLite): callers reading together then share statements.
    pub fn reads_are_round_trips(&self) -> bool {
        self.inner.shared
    }

    /// Counts `n` reads made on a connection [`Db::scan`] handed out, beyond the one it
    /// counted: [`Db::operations`] counts statements a caller waited for, however batched.
    pub fn count_reads(&self, n: u64) {
        self.inner.reads.fetch_add(n, Ordering::Relaxed);
    }

    /// `(reads, writes)` run since start: each [`Db::read`], [`Db::scan`] and [`Db::write`]
    /// call, however many queries it makes.
    pub fn operations(&self) -> (u64, u64) {
        (
            self.inner.reads.load(Ordering::Relaxed),
            self.inner.writes.load(Ordering::Relaxed),
        )
    }

    /// Runs `work` in one transaction on the writer, off the async workers: `work`'s changes
    /// commit when it returns `Ok` and roll back otherwise, and the call returns once they are
    /// durable. On SQLite `work` may share its transaction with other callers' (group commit,
    /// each in its own savepoint): it must not depend on being alone in it.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        self.inner.writes.fetch_add(1, Ordering::Relaxed);
        if let Some(single_writer) = &self.inner.single_writer {
            return single_writer.write(work).await;
        }
        let pool = self.inner.writer.clone();
        let admitted = self.inner.lanes.admit().await;
        run_blocking(move || {
            let _admitted = admitted;
            let mut conn = pool.get().map_err(DbError::from)?;
            diesel::Connection::transaction(&mut *conn, work)
        })
        .await
    }

    /// Each pool's size and idle connections: `(pool, max, open, idle)`. On PostgreSQL the
    /// writer and reader are one pool, reported once.
    pub fn pool_states(&self) -> Vec<(&'static str, u32, u32, u32)> {
        let state = |name, pool: &DbPool| {
            let s = pool.state();
            (name, pool.max_size(), s.connections, s.idle_connections)
        };
        let mut out = vec![state("writer", &self.inner.writer)];
        if !self.inner.shared {
            out.push(state("reader", &self.inner.reader));
        }
        out
    }

    /// SQLite's group commits since start: `(commits, units committed)`; `None` on
    /// PostgreSQL, which groups concurrent commits itself.
    pub fn group_commits(&self) -> Option<(u64, u64)> {
        self.inner.single_writer.as_ref().map(|w| w.counts())
    }

    /// Cheap liveness and schema check for `/readyz`: `scope`'s migrations all applied.
    pub async fn check_ready(&self, scope: MigrationScope) -> Result<(), DbError> {
        // The writer, because diesel's migration check may create its bookkeeping table and
        // SQLite readers are opened query-only.
        let pool = self.inner.writer.clone();
        run_blocking(move || {
            let mut conn = pool.get()?;
            diesel::connection::SimpleConnection::batch_execute(&mut *conn, "SELECT 1")?;
            if has_pending_migrations(&mut conn, &scope)? {
                return Err(DbError::Migration("migrations are pending".into()));
            }
            Ok(())
        })
        .await
    }
}

async fn run_blocking<T, E, F>(work: F) -> Result<T, E>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    match actix_web::rt::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(_) => Err(DbError::Cancelled.into()),
    }
}

/// Whether a query failed on a unique constraint, so callers can answer 409 rather than 500.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Runs `$body` with `$c` bound to the backend's own connection behind a [`DbConn`], for
/// the queries diesel can only write for one backend, and for the hottest reads.
///
/// Through the `DbConn` wrapper every query is serialised to SQL afresh on each of the
/// several walks diesel makes per execution (a profile of `GET /v1/orders/{id}` put 18% of
/// its samples there); on the backend's own connection a query with a static type is found in
/// the statement cache by that type and its SQL is built once. The price is one copy of the
/// query per backend in the binary, so it is kept for reads on every request.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::platform::db::DbConn::Sqlite($c) => $body,
            $crate::platform::db::DbConn::Postgres($c) => $body,
        }
    };
}

/// Inserts `$rows` (a slice or a `Vec` of insertable rows) into `$table`: on PostgreSQL by one
/// statement (a round trip) when there are several; on SQLite, where a statement is a library
/// call, by one kept-prepared insert a row, where a statement of many rows would be prepared
/// afresh every time. Evaluates to a `QueryResult<()>`. Needs `diesel::prelude::*` in scope.
#[macro_export]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        match $conn {
            $crate::platform::db::DbConn::Postgres(c) if rows.len() > 1 => {
                diesel::insert_into($table)
                    .values(rows)
                    .execute(c)
                    .map(drop)
            }
            conn => rows.into_iter().try_for_each(|row| {
                $crate::per_backend!(&mut *conn, |c| diesel::insert_into($table)
                    .values(row)
                    .execute(c))
                .map(drop)
            }),
        }
    }};
}

/// `INSERT … ON CONFLICT DO NOTHING` on either backend, in one statement (so concurrent
/// writers cannot both insert); evaluates to the number of rows inserted. Needs
/// `diesel::prelude::*` in scope.
#[macro_export]
macro_rules! insert_or_ignore {
    ($conn:expr, $table:expr, $values:expr) => {
        $crate::per_backend!($conn, |c| diesel::insert_into($table)
            .values($values)
            .on_conflict_do_nothing()
            .execute(c))
    };
}

/// Lets `?` turn database failures into a module error's `Internal` variant: every module's
/// error enum has one, and none of them should name a storage type in its contract.
#[macro_export]
macro_rules! internal_errors {
    ($error:ident) => {
        impl From<$crate::platform::db::DbError> for $error {
            fn from(e: $crate::platform::db::DbError) -> Self {
                $error::Internal(e.to_string())
            }
        }

        impl From<diesel::result::Error> for $error {
            fn from(e: diesel::result::Error) -> Self {
                $error::Internal(e.to_string())
            }
        }

        impl From<$crate::platform::remote::RemoteFailure> for $error {
            fn from(e: $crate::platform::remote::RemoteFailure) -> Self {
                use $crate::platform::remote::RemoteFailure;
                match e {
                    RemoteFailure::Unavailable {
                        module,
                        retry_after_secs,
                        ..
                    } => $error::Unavailable {
                        module,
                        retry_after_secs,
                    },
                    broken @ RemoteFailure::Broken { .. } => $error::Internal(broken.to_string()),
                }
            }
        }
    };
}
