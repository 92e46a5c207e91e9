//! Embedded migrations, one folder per backend with identical names in each. A folder is
//! named `<version>_<owner>[_<what>]`: the module (or `platform`, `gateway`) whose tables it
//! creates, so a process can migrate just the modules it hosts.

use diesel::backend::Backend;
use diesel::connection::SimpleConnection;
use diesel::migration::{Migration, MigrationSource};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{
    DatabaseUrl, DbConn, DbError, connection::sqlite_pragmas, establish_postgres, establish_sqlite,
};
use crate::platform::config::DatabaseSettings;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The owner of a migration, from its folder name: `2026-11-21-000008_identity_api_keys` →
/// `identity`.
pub fn owner_of(name: &str) -> &str {
    name.split('_').nth(1).unwrap_or_default()
}

/// Every migration's folder name, oldest first (the two backends name theirs alike).
pub fn migration_names() -> Vec<String> {
    MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE)
        .map(|all| all.iter().map(|m| m.name().to_string()).collect())
        .unwrap_or_default()
}

/// Which owners' migrations to run or check: all of them, or the platform's and these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    All,
    Owners(Vec<String>),
}

impl Scope {
    fn includes(&self, owner: &str) -> bool {
        match self {
            Self::All => true,
            Self::Owners(owners) => owner == "platform" || owners.iter().any(|o| o == owner),
        }
    }
}

/// The embedded migrations of `scope`'s owners, in order.
struct Scoped<'a> {
    all: EmbeddedMigrations,
    scope: &'a Scope,
}

impl<DB: Backend> MigrationSource<DB> for Scoped<'_> {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<DB>>>> {
        let all = MigrationSource::<DB>::migrations(&self.all)?;
        Ok(all
            .into_iter()
            .filter(|m| self.scope.includes(owner_of(&m.name().to_string())))
            .collect())
    }
}

/// Applies pending migrations on a dedicated connection, before any pool exists.
pub fn run_migrations(
    url: &DatabaseUrl,
    settings: &DatabaseSettings,
    scope: &Scope,
) -> Result<(), DbError> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    match url {
        DatabaseUrl::Sqlite(path) => {
            let mut conn = establish_sqlite(&path.to_string_lossy())
                .map_err(|e| DbError::Connect(e.to_string()))?;
            conn.batch_execute(&sqlite_pragmas(
                settings.sqlite_synchronous,
                settings.busy_timeout_ms,
            ))?;
            conn.run_pending_migrations(Scoped { all: SQLITE, scope })
                .map_err(fail)?;
        }
        DatabaseUrl::Postgres(url) => {
            let mut conn = establish_postgres(url).map_err(|e| DbError::Connect(e.to_string()))?;
            // Replicas starting together must not race each other through the migrations.
            conn.batch_execute("SELECT pg_advisory_lock(727274)")?;
            let result = conn
                .run_pending_migrations(Scoped {
                    all: POSTGRES,
                    scope,
                })
                .map(|_| ())
                .map_err(fail);
            conn.batch_execute("SELECT pg_advisory_unlock(727274)")?;
            result?;
        }
    }
    Ok(())
}

pub fn has_pending_migrations(conn: &mut DbConn, scope: &Scope) -> Result<bool, DbError> {
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    match conn {
        DbConn::Sqlite(c) => c
            .has_pending_migration(Scoped { all: SQLITE, scope })
            .map_err(fail),
        DbConn::Postgres(c) => c
            .has_pending_migration(Scoped {
                all: POSTGRES,
                scope,
            })
            .map_err(fail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_runs_the_platform_s_migrations_and_its_owners_only() {
        assert_eq!(owner_of("2026-11-21-000008_identity_api_keys"), "identity");
        let scope = Scope::Owners(vec!["kitchen".into()]);
        let names: Vec<String> = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&Scoped {
            all: SQLITE,
            scope: &scope,
        })
        .unwrap()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
        assert_eq!(
            names,
            [
                "2026-11-21-000003_platform_events",
                "2026-11-21-000006_kitchen",
                "2026-12-02-000021_kitchen_inbox_age",
                "2026-12-03-000026_platform_outbox_positions",
                "2026-12-03-000029_kitchen_outbox_positions",
                "2026-12-03-000038_kitchen_release",
                "2026-12-03-000046_kitchen_ticket_venues",
                "2026-12-08-000061_kitchen_event_tables"
            ]
        );
        assert_eq!(migration_names().len(), 66);
    }
}
