//! One SQLite read in one snapshot.
//!
//! Its statements see one state of the database, and take the log's shared lock (a `fcntl` on
//! its index) once between them rather than once each. `BEGIN` and `COMMIT` are statements
//! of their own type, so the connection's statement cache keeps them prepared: diesel's
//! transaction manager sends them as text, which SQLite parses, plans and frees on every read
//! (about 4.5% of a key-authenticated list's samples).

use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, RunQueryDsl};

use super::{DbConn, DbError};

/// Runs read `work` in one read transaction. A panic fails this read alone, as it would on
/// the blocking pool, and ends its transaction.
pub(super) fn in_one_snapshot<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    let DbConn::Sqlite(sqlite) = conn else {
        // PostgreSQL hands each read to the blocking pool whole; a snapshot there would be a
        // round trip of its own.
        return work(conn);
    };
    begin(sqlite).map_err(DbError::Query)?;
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(conn)));
    let DbConn::Sqlite(sqlite) = conn else {
        unreachable!("the connection's backend does not change")
    };
    match ran {
        // Committed whatever `work` answers: it changed nothing.
        Ok(outcome) => match Statement::Commit.execute(sqlite) {
            Ok(_) => outcome,
            Err(e) => {
                let _ = Statement::Rollback.execute(sqlite);
                Err(DbError::Query(e).into())
            }
        },
        Err(_) => {
            let _ = Statement::Rollback.execute(sqlite);
            Err(DbError::Cancelled.into())
        }
    }
}

/// Opens the read transaction. Should a reader ever come back with one still open (its end
/// failed twice), that one is rolled back first rather than failing every read it serves.
fn begin(sqlite: &mut SqliteConnection) -> QueryResult<()> {
    if Statement::Begin.execute(sqlite).is_err() {
        let _ = Statement::Rollback.execute(sqlite);
        Statement::Begin.execute(sqlite)?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Statement {
    Begin,
    Commit,
    Rollback,
}

/// Each statement is cached under this one type with its own text: the cache keys a type's
/// statements by their SQL when the type has no static id of its own.
impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<Sqlite> for Statement {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(match self {
            Statement::Begin => "BEGIN",
            Statement::Commit => "COMMIT",
            Statement::Rollback => "ROLLBACK",
        });
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for Statement {}
