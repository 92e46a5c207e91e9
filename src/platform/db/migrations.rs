//! Embedded migrations, one folder per backend with identical names in each.

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DatabaseUrl, DbConn, DbError, connection::sqlite_pragmas, establish_postgres};
use crate::platform::config::DatabaseSettings;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations on a dedicated connection, before any pool exists.
pub fn run_migrations(url: &DatabaseUrl, settings: &DatabaseSettings) -> Result<(), DbError> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    match url {
        DatabaseUrl::Sqlite(path) => {
            let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                .map_err(|e| DbError::Connect(e.to_string()))?;
            conn.batch_execute(&sqlite_pragmas(
                settings.sqlite_synchronous,
                settings.busy_timeout_ms,
            ))?;
            conn.run_pending_migrations(SQLITE).map_err(fail)?;
        }
        DatabaseUrl::Postgres(url) => {
            let mut conn = establish_postgres(url).map_err(|e| DbError::Connect(e.to_string()))?;
            // Replicas starting together must not race each other through the migrations.
            conn.batch_execute("SELECT pg_advisory_lock(727274)")?;
            let result = conn
                .run_pending_migrations(POSTGRES)
                .map(|_| ())
                .map_err(fail);
            conn.batch_execute("SELECT pg_advisory_unlock(727274)")?;
            result?;
        }
    }
    Ok(())
}

pub fn has_pending_migrations(conn: &mut DbConn) -> Result<bool, DbError> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    match conn {
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE).map_err(fail),
        DbConn::Postgres(c) => c.has_pending_migration(POSTGRES).map_err(fail),
    }
}
