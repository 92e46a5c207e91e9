//! `column IN (values)` for a list of any length, written so the statement stays in the
//! connection's prepared-statement cache.
//!
//! diesel's `eq_any` writes one placeholder per value, so its SQL changes with the list and
//! diesel prepares it anew every time: placing an order parsed and planned six such statements
//! (the quote's items and their children). Here the values travel as one JSON array bound to
//! one placeholder, and the SQL is the same whatever their number.

use diesel::QueryResult;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::Sqlite;

use super::DbBackend;

/// `column IN (values)`, or `NOT IN` when `NEGATED`. The negation is in the type, not a field:
/// diesel caches a statement by its type, so the two must never share one.
#[derive(Debug, Clone)]
pub struct OneOf<C, const NEGATED: bool> {
    column: C,
    values: String,
}

/// `column` is one of `values` (none: matches nothing).
pub fn one_of<C, V: serde::Serialize>(column: C, values: impl AsRef<[V]>) -> OneOf<C, false> {
    OneOf::new(column, values)
}

/// `column` is none of `values` (none: matches every row).
pub fn none_of<C, V: serde::Serialize>(column: C, values: impl AsRef<[V]>) -> OneOf<C, true> {
    OneOf::new(column, values)
}

impl<C, const NEGATED: bool> OneOf<C, NEGATED> {
    fn new<V: serde::Serialize>(column: C, values: impl AsRef<[V]>) -> Self {
        Self {
            column,
            values: serde_json::to_string(values.as_ref()).expect("a list of values serialises"),
        }
    }

    /// The column, then `around.0`, the JSON array, `around.1`.
    fn walk<'b, DB>(
        &'b self,
        mut out: AstPass<'_, 'b, DB>,
        around: (&'static str, &'static str),
    ) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text>,
        C: QueryFragment<DB>,
        String: diesel::serialize::ToSql<Text, DB>,
    {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(around.0);
        out.push_bind_param::<Text, _>(&self.values)?;
        out.push_sql(around.1);
        Ok(())
    }
}

impl<C: Expression<SqlType = Text>, const NEGATED: bool> Expression for OneOf<C, NEGATED> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS, const NEGATED: bool> AppearsOnTable<QS> for OneOf<C, NEGATED> where
    Self: Expression
{
}

impl<C: SelectableExpression<QS>, QS, const NEGATED: bool> SelectableExpression<QS>
    for OneOf<C, NEGATED>
where
    Self: AppearsOnTable<QS>,
{
}

impl<C: ValidGrouping<GB>, GB, const NEGATED: bool> ValidGrouping<GB> for OneOf<C, NEGATED> {
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId, const NEGATED: bool> QueryId for OneOf<C, NEGATED> {
    type QueryId = OneOf<C::QueryId, NEGATED>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Sqlite>, const NEGATED: bool> QueryFragment<Sqlite> for OneOf<C, NEGATED> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let around = if NEGATED {
            (" NOT IN (SELECT value FROM json_each(", "))")
        } else {
            (" IN (SELECT value FROM json_each(", "))")
        };
        self.walk(out, around)
    }
}

/// `= ANY(ARRAY(…))` rather than `IN (SELECT …)`: PostgreSQL then plans the list as an index
/// condition, as it does a literal list, instead of a semi-join over every other match.
impl<C: QueryFragment<Pg>, const NEGATED: bool> QueryFragment<Pg> for OneOf<C, NEGATED> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let around = if NEGATED {
            (
                " <> ALL(ARRAY(SELECT json_array_elements_text(",
                "::json)))",
            )
        } else {
            (" = ANY(ARRAY(SELECT json_array_elements_text(", "::json)))")
        };
        self.walk(out, around)
    }
}

impl<C, const NEGATED: bool> QueryFragment<DbBackend> for OneOf<C, NEGATED>
where
    C: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DbBackend>) -> QueryResult<()> {
        DbBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::query_builder::QueryFragment;

    use super::*;
    use crate::platform::db::DbConn;

    diesel::table! {
        picks (id) {
            id -> Text,
        }
    }

    /// SQLite always; PostgreSQL too when `TEST_DATABASE_URL` names one.
    fn connections() -> Vec<DbConn> {
        let mut all = vec![DbConn::Sqlite(
            crate::platform::db::establish_sqlite(":memory:").unwrap(),
        )];
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            all.push(DbConn::Postgres(
                diesel::PgConnection::establish(&url).unwrap(),
            ));
        }
        for conn in &mut all {
            diesel::sql_query("CREATE TEMPORARY TABLE picks (id TEXT PRIMARY KEY)")
                .execute(conn)
                .unwrap();
            for id in ["a", "b", "c"] {
                diesel::insert_into(picks::table)
                    .values(picks::id.eq(id))
                    .execute(conn)
                    .unwrap();
            }
        }
        all
    }

    fn ids<const N: bool>(conn: &mut DbConn, filter: OneOf<picks::id, N>) -> Vec<String> {
        picks::table
            .filter(filter)
            .select(picks::id)
            .order(picks::id)
            .load(conn)
            .unwrap()
    }

    #[test]
    fn matches_the_listed_values_whatever_their_number() {
        for mut conn in connections() {
            let conn = &mut conn;
            assert_eq!(ids(conn, one_of(picks::id, ["c", "a", "z"])), ["a", "c"]);
            assert_eq!(ids(conn, one_of(picks::id, ["b"])), ["b"]);
            assert!(ids(conn, one_of::<_, &str>(picks::id, &[])).is_empty());
            assert_eq!(ids(conn, none_of(picks::id, ["a"])), ["b", "c"]);
            assert_eq!(
                ids(conn, none_of::<_, &str>(picks::id, &[])),
                ["a", "b", "c"]
            );
            assert_eq!(ids(conn, one_of(picks::id, ["it's", "\"q\""])).len(), 0);
        }
    }

    #[test]
    fn its_statement_is_one_diesel_caches() {
        let query = picks::table.filter(one_of(picks::id, ["a", "b"]));
        for conn in connections() {
            let backend = match conn {
                DbConn::Sqlite(_) => DbBackend::Sqlite(diesel::sqlite::Sqlite),
                DbConn::Postgres(_) => DbBackend::Postgres(diesel::pg::Pg),
            };
            assert!(
                QueryFragment::<DbBackend>::is_safe_to_cache_prepared(&query, &backend).unwrap()
            );
        }
        let negated = picks::table.filter(none_of(picks::id, ["a"]));
        assert_ne!(
            query_id(&query),
            query_id(&negated),
            "never one cached statement"
        );
    }

    fn query_id<Q: QueryId>(_: &Q) -> Option<std::any::TypeId> {
        Q::query_id()
    }
}
