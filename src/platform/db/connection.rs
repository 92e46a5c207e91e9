use diesel::connection::SimpleConnection;
use diesel::{Connection, ConnectionError, PgConnection, SqliteConnection};

use super::DatabaseUrl;
use crate::platform::config::{DatabaseSettings, SqliteSynchronous};

/// A connection to whichever backend the URL named. Queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// r2d2 manager that establishes exactly the backend the URL names and applies per-connection
/// SQLite pragmas.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    read_only: bool,
    synchronous: SqliteSynchronous,
    busy_timeout_ms: u64,
    /// SQLite: this connection's page cache, in KiB (0: SQLite's default).
    cache_kib: u64,
}

impl Manager {
    pub fn new(
        url: DatabaseUrl,
        settings: &DatabaseSettings,
        read_only: bool,
        cache_kib: u64,
    ) -> Self {
        Self {
            url,
            read_only,
            synchronous: settings.sqlite_synchronous,
            busy_timeout_ms: settings.busy_timeout_ms,
            cache_kib,
        }
    }
}

/// How `database.sqlite_memory_kib` is shared out, as `(writer's, each other connection's)`
/// page cache: the writer, which touches the newest pages of many tables in every batch,
/// keeps half; the `readers` and the checkpointer share the other half.
///
/// Each connection's cache is its own: a cache shared by every connection (SQLite's
/// `SQLITE_ENABLE_MEMORY_MANAGEMENT`, with a process-wide soft heap limit) takes a global
/// mutex on every page fetch and every allocation, and the single writer spent more time
/// waiting for it than running (`.cargo/config.toml` builds SQLite without it).
pub fn cache_shares(budget_kib: u64, readers: u32) -> (u64, u64) {
    if budget_kib == 0 {
        return (0, 0);
    }
    let others = u64::from(readers) + 1;
    (budget_kib / 2, (budget_kib / 2 / others).max(64))
}

/// The page size of a database Brigade creates, in bytes (SQLite's default is 4096).
///
/// A group commit writes every page it changed to the log, one frame each, and an order's
/// journey changes a page or more in each of some forty B-trees: the writer's cycle spent
/// almost a third of its CPU copying and checksumming those frames, and the disk's write
/// grew with them. With half-size pages a write unit's log is 37 % fewer bytes; the largest
/// row the journey writes (758 bytes) still fits a page twice. Measured: see
/// `docs/performance.md`, "Smaller pages".
pub(super) const PAGE_SIZE: u32 = 2048;

/// The write-ahead log's header, and each of its frames' header, in bytes (SQLite's file format).
const LOG_HEADER: i64 = 32;
const LOG_FRAME_HEADER: i64 = 24;

pub(super) fn sqlite_pragmas(synchronous: SqliteSynchronous, busy_timeout_ms: u64) -> String {
    let sync = match synchronous {
        SqliteSynchronous::Full => "FULL",
        SqliteSynchronous::Normal => "NORMAL",
    };
    // page_size: it takes effect only as a database is created, and only before the log is
    // switched on; an existing database keeps its own (changing it means a VACUUM outside
    // WAL mode, which Brigade leaves to its operator).
    // temp_store: every write unit runs in a savepoint (group commit), whose statement journal
    // would otherwise be a temporary file created and deleted per unit.
    format!(
        "PRAGMA page_size = {PAGE_SIZE}; PRAGMA busy_timeout = {busy_timeout_ms}; \
         PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON; \
         PRAGMA temp_store = MEMORY;"
    )
}

impl diesel::r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        let conn = match &self.url {
            DatabaseUrl::Postgres(url) => DbConn::Postgres(
                super::establish_postgres(url).map_err(diesel::r2d2::Error::ConnectionError)?,
            ),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut c =
                    super::establish_sqlite(&path).map_err(diesel::r2d2::Error::ConnectionError)?;
                let mut pragmas = sqlite_pragmas(self.synchronous, self.busy_timeout_ms);
                if self.read_only {
                    pragmas.push_str(" PRAGMA query_only = ON;");
                } else {
                    // Checkpoints run on a thread of their own (`checkpointer`), not in a
                    // commit.
                    pragmas.push_str(" PRAGMA wal_autocheckpoint = 0;");
                    // When the log starts over (`checkpointer`), its file shrinks back to this:
                    // the header and `LOG_FILE_KEPT_FRAMES` frames, each a header and a page.
                    pragmas.push_str(&format!(
                        " PRAGMA journal_size_limit = {};",
                        LOG_HEADER
                            + super::checkpointer::LOG_FILE_KEPT_FRAMES
                                * (LOG_FRAME_HEADER + i64::from(PAGE_SIZE))
                    ));
                }
                if self.cache_kib > 0 {
                    // Its share of one budget (`cache_shares`), instead of SQLite's 2 MiB for
                    // each connection as the database grows.
                    pragmas.push_str(&format!(" PRAGMA cache_size = -{};", self.cache_kib));
                }
                c.batch_execute(&pragmas).map_err(|e| {
                    diesel::r2d2::Error::ConnectionError(
                        ConnectionError::CouldntSetupConfiguration(e),
                    )
                })?;
                DbConn::Sqlite(c)
            }
        };
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// The options the bundled SQLite was built with (`.cargo/config.toml` sets ours).
    fn compile_options() -> Vec<String> {
        let mut conn = crate::platform::db::establish_sqlite(":memory:").unwrap();
        diesel::sql_query("PRAGMA compile_options")
            .load::<CompileOption>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|o| o.compile_options)
            .collect()
    }

    /// Without the query planner stability guarantee, every statement with a bound `LIMIT ?`
    /// is re-prepared on each run.
    #[test]
    fn the_bundled_sqlite_keeps_prepared_statements_stable() {
        let options = compile_options();
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }

    /// Memory statistics and a page cache shared by every connection each take a global
    /// mutex the single writer would wait on.
    #[test]
    fn the_bundled_sqlite_takes_no_process_wide_mutex_per_allocation_or_page() {
        let options = compile_options();
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "{options:?}"
        );
    }

    /// Nor a mutex per connection, nor a memory barrier per allocation.
    #[test]
    fn the_bundled_sqlite_locks_no_connection_and_is_initialised_once() {
        let options = compile_options();
        assert!(options.iter().any(|o| o == "THREADSAFE=2"), "{options:?}");
        assert!(options.iter().any(|o| o == "OMIT_AUTOINIT"), "{options:?}");
    }

    #[derive(QueryableByName)]
    struct CacheSize {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        cache_size: i64,
    }

    #[test]
    fn sqlite_connections_keep_their_share_of_one_page_cache_budget() {
        assert_eq!(cache_shares(8192, 8), (4096, 455));
        assert_eq!(cache_shares(0, 8), (0, 0), "0 keeps SQLite's default");
        assert_eq!(cache_shares(256, 8).1, 64, "a floor for each reader");
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("m.db").display())).unwrap();
        let settings = DatabaseSettings::sqlite_for_tests(&dir.path().join("m.db"), 1);
        let manager = Manager::new(url, &settings, true, 455);
        let mut conn = diesel::r2d2::ManageConnection::connect(&manager).unwrap();
        let DbConn::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        let size: CacheSize = diesel::sql_query("PRAGMA cache_size")
            .get_result(c)
            .unwrap();
        assert_eq!(size.cache_size, -455, "negative: KiB rather than pages");
    }

    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        value: i64,
    }

    fn value(conn: &mut DbConn, query: &str) -> i64 {
        let found: Value = diesel::sql_query(query).get_result(conn).unwrap();
        found.value
    }

    /// A writer connection to the SQLite file `path`, as the pool opens them.
    fn writer(path: &std::path::Path) -> DbConn {
        let settings = DatabaseSettings::sqlite_for_tests(path, 1);
        let url = DatabaseUrl::parse(&settings.url).unwrap();
        diesel::r2d2::ManageConnection::connect(&Manager::new(url, &settings, false, 0)).unwrap()
    }

    const PAGE_SIZE_NOW: &str = "SELECT page_size AS value FROM pragma_page_size()";

    #[test]
    fn a_new_database_gets_small_pages_and_an_existing_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let mut fresh = writer(&dir.path().join("new.db"));
        fresh.batch_execute("CREATE TABLE t (x)").unwrap();
        assert_eq!(value(&mut fresh, PAGE_SIZE_NOW), i64::from(PAGE_SIZE));

        // A database an earlier Brigade created, with SQLite's default pages, in WAL mode.
        let old = dir.path().join("old.db");
        crate::platform::db::establish_sqlite(&old.to_string_lossy())
            .unwrap()
            .batch_execute(
                "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
            )
            .unwrap();
        let mut reopened = writer(&old);
        reopened.batch_execute("INSERT INTO t VALUES (2)").unwrap();
        assert_eq!(value(&mut reopened, PAGE_SIZE_NOW), 4096);
        assert_eq!(value(&mut reopened, "SELECT count(*) AS value FROM t"), 2);
    }
}
