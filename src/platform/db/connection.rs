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
    memory_kib: u64,
}

impl Manager {
    pub fn new(url: DatabaseUrl, settings: &DatabaseSettings, read_only: bool) -> Self {
        Self {
            url,
            read_only,
            synchronous: settings.sqlite_synchronous,
            busy_timeout_ms: settings.busy_timeout_ms,
            memory_kib: settings.sqlite_memory_kib,
        }
    }
}

pub(super) fn sqlite_pragmas(synchronous: SqliteSynchronous, busy_timeout_ms: u64) -> String {
    let sync = match synchronous {
        SqliteSynchronous::Full => "FULL",
        SqliteSynchronous::Normal => "NORMAL",
    };
    // temp_store: every write unit runs in a savepoint (group commit), whose statement journal
    // would otherwise be a temporary file created and deleted per unit.
    format!(
        "PRAGMA busy_timeout = {busy_timeout_ms}; PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
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
                let mut c = SqliteConnection::establish(&path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                let mut pragmas = sqlite_pragmas(self.synchronous, self.busy_timeout_ms);
                if self.read_only {
                    pragmas.push_str(" PRAGMA query_only = ON;");
                } else {
                    // Checkpoints run on a thread of their own (`checkpointer`), not in a
                    // commit.
                    pragmas.push_str(" PRAGMA wal_autocheckpoint = 0;");
                }
                if self.memory_kib > 0 {
                    // Process-wide: one budget for every connection's page cache, instead of
                    // 2 MiB more with each connection as the database grows.
                    let bytes = self.memory_kib * 1024;
                    pragmas.push_str(&format!(" PRAGMA soft_heap_limit = {bytes};"));
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

    /// Without the query planner stability guarantee, every statement with a bound `LIMIT ?`
    /// is re-prepared on each run (`.cargo/config.toml` builds SQLite with it).
    #[test]
    fn the_bundled_sqlite_keeps_prepared_statements_stable() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut conn)
            .unwrap();
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG"
        );
    }

    #[derive(QueryableByName)]
    struct Limit {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        soft_heap_limit: i64,
    }

    #[test]
    fn sqlite_connections_share_one_page_cache_budget() {
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("m.db").display())).unwrap();
        let settings = crate::platform::config::DatabaseSettings {
            url: String::new(),
            pool_size: 1,
            sqlite_synchronous: SqliteSynchronous::Full,
            busy_timeout_ms: 1000,
            sqlite_memory_kib: 4096,
        };
        let manager = Manager::new(url, &settings, true);
        let mut conn = diesel::r2d2::ManageConnection::connect(&manager).unwrap();
        let DbConn::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        let limit: Limit = diesel::sql_query("PRAGMA soft_heap_limit")
            .get_result(c)
            .unwrap();
        assert_eq!(limit.soft_heap_limit, 4096 * 1024);
    }
}
