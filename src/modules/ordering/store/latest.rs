//! Several customers' latest orders picked by one statement on PostgreSQL: the first page of
//! each one's list, for a round of concurrent readers (see `platform::by_keys`).

use diesel::QueryResult;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};

/// `ordering_orders.id` is one of the latest `n` orders of a customer in `wanted`. Each
/// customer's orders are walked through the `(customer_id, id)` index, newest first, and no
/// further than their `n`. The customers travel as one JSON array bound to one placeholder,
/// so the statement is prepared once whatever their number.
#[derive(Debug, Clone, QueryId)]
pub struct AmongLatest {
    wanted: String,
}

impl AmongLatest {
    /// `wanted`: each customer, and how many of their latest orders.
    pub fn new(wanted: &[(String, i64)]) -> Self {
        let wanted: Vec<_> = wanted
            .iter()
            .map(|(customer, n)| serde_json::json!({"customer": customer, "n": n}))
            .collect();
        Self {
            wanted: serde_json::Value::from(wanted).to_string(),
        }
    }
}

impl Expression for AmongLatest {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for AmongLatest {}

impl<QS> SelectableExpression<QS> for AmongLatest {}

impl<GB> ValidGrouping<GB> for AmongLatest {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

/// `= ANY(ARRAY(…))`, as `one_of` writes it: PostgreSQL plans the ids as an index condition.
impl QueryFragment<Pg> for AmongLatest {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "\"ordering_orders\".\"id\" = ANY(ARRAY(SELECT latest.id \
             FROM json_to_recordset(",
        );
        out.push_bind_param::<Text, _>(&self.wanted)?;
        out.push_sql(
            "::json) AS wanted(customer text, n bigint) CROSS JOIN LATERAL \
             (SELECT o.id FROM ordering_orders o WHERE o.customer_id = wanted.customer \
             ORDER BY o.id DESC LIMIT wanted.n) AS latest))",
        );
        Ok(())
    }
}
