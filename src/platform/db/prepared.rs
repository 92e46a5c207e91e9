//! `UPDATE`s kept prepared.
//!
//! diesel prepares every `UPDATE` afresh: a changeset may skip its `None` fields, so in general
//! its SQL can change with its values, and diesel marks every update unsafe to cache (it also
//! gives updates no static query id, so their SQL is written out to look them up). An update
//! whose changeset is a tuple of `column.eq(value)` has one SQL text whatever the values, and on
//! the single writer's thread, which every write waits for, parsing and planning it again on
//! each run cost several percent of the thread's time. [`update`] builds such an update from
//! diesel's own clauses, named by a key type, so a connection's cache finds it by that type and
//! runs it prepared.

use std::marker::PhantomData;

use diesel::QueryResult;
use diesel::Table;
use diesel::backend::Backend;
use diesel::query_builder::{AsChangeset, AstPass, QueryFragment, QueryId};

/// `UPDATE table SET changes WHERE filter`, kept in a connection's statement cache under `K`.
pub struct Update<K, F, W, V> {
    table: F,
    filter: W,
    changes: V,
    key: PhantomData<K>,
}

/// Updates the rows of `table` matching `filter` with `changes`, a tuple of `column.eq(value)`
/// (never a struct changeset with `Option` fields: those skip `None`, so their SQL varies).
/// `K`, a type private to the function that runs it, names the statement in the cache.
pub fn update<K: 'static, T, W, C>(
    table: T,
    filter: W,
    changes: C,
) -> Update<K, T::FromClause, W, C::Changeset>
where
    T: Table,
    C: AsChangeset<Target = T>,
{
    Update {
        table: table.from_clause(),
        filter,
        changes: changes.as_changeset(),
        key: PhantomData,
    }
}

impl<K: 'static, F, W, V> QueryId for Update<K, F, W, V> {
    type QueryId = K;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB, K, F, W, V> QueryFragment<DB> for Update<K, F, W, V>
where
    DB: Backend,
    F: QueryFragment<DB>,
    W: QueryFragment<DB>,
    V: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE ");
        self.table.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.changes.walk_ast(out.reborrow())?;
        out.push_sql(" WHERE ");
        self.filter.walk_ast(out.reborrow())
    }
}

impl<K, F, W, V, Conn> diesel::RunQueryDsl<Conn> for Update<K, F, W, V> {}

/// The SQL of each statement `conn` prepares to keep from now on: tests count them to show a
/// statement is prepared once.
#[cfg(test)]
pub fn statements_kept(
    conn: &mut diesel::SqliteConnection,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use diesel::connection::{Connection, InstrumentationEvent};
    let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = kept.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::CacheQuery { sql, .. } = event {
            seen.lock().unwrap().push(sql.to_owned());
        }
    });
    kept
}

/// How many statements `conn` runs from now on: tests count a read's round trips (each
/// statement is one on PostgreSQL).
#[cfg(test)]
pub fn statements_started(
    conn: &mut impl diesel::Connection,
) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    use diesel::connection::InstrumentationEvent;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let started = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = started.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            counted.fetch_add(1, Ordering::Relaxed);
        }
    });
    started
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::{statements_kept as kept, update};

    diesel::table! {
        tallies (name) {
            name -> Text,
            n -> BigInt,
        }
    }

    fn set(conn: &mut SqliteConnection, name: &str, n: i64) -> QueryResult<usize> {
        struct SetTally;
        update::<SetTally, _, _, _>(tallies::table, tallies::name.eq(name), tallies::n.eq(n))
            .execute(conn)
    }

    #[test]
    fn an_update_is_prepared_once_and_runs_with_each_calls_values() {
        let mut conn = crate::platform::db::establish_sqlite(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE tallies (name TEXT PRIMARY KEY NOT NULL, n BIGINT NOT NULL);
             INSERT INTO tallies VALUES ('a', 0), ('b', 0);",
        )
        .unwrap();
        let cached = kept(&mut conn);

        assert_eq!(set(&mut conn, "a", 1).unwrap(), 1);
        assert_eq!(set(&mut conn, "b", 2).unwrap(), 1);
        assert_eq!(set(&mut conn, "nobody", 3).unwrap(), 0);

        let rows: Vec<(String, i64)> = tallies::table.order(tallies::name).load(&mut conn).unwrap();
        assert_eq!(rows, [("a".to_owned(), 1), ("b".to_owned(), 2)]);
        let cached = cached.lock().unwrap().clone();
        let updates: Vec<_> = cached
            .iter()
            .filter(|sql| sql.starts_with("UPDATE"))
            .collect();
        assert_eq!(
            updates.len(),
            1,
            "prepared once, run three times: {cached:?}"
        );
    }

    #[test]
    fn diesel_alone_prepares_an_update_every_time() {
        // Why `update` exists: should diesel start keeping updates, it can go.
        let mut conn = crate::platform::db::establish_sqlite(":memory:").unwrap();
        conn.batch_execute(
            "CREATE TABLE tallies (name TEXT PRIMARY KEY NOT NULL, n BIGINT NOT NULL);",
        )
        .unwrap();
        let cached = kept(&mut conn);
        for n in 0..2 {
            diesel::update(tallies::table.filter(tallies::name.eq("a")))
                .set(tallies::n.eq(n))
                .execute(&mut conn)
                .unwrap();
        }
        assert!(cached.lock().unwrap().is_empty());
    }
}
