//! Outbox and inbox tables. Each module declares its own with [`crate::event_tables!`], so the
//! tables stay the module's while the code that reads and writes them is written once.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::query_builder::{AstPass, QueryFragment};

use super::{Event, StoredEvent};
use crate::platform::db::{DbBackend, DbConn};

/// One producing module's outbox, as the dispatcher sees it.
pub trait OutboxTable: Send + Sync {
    /// The producing module's name.
    fn producer(&self) -> &'static str;
    /// Appends events inside the caller's transaction.
    fn append(&self, conn: &mut DbConn, events: &[Event]) -> QueryResult<()>;
    /// Up to `limit` final events after position `seq`, oldest first.
    fn after(&self, conn: &mut DbConn, seq: i64, limit: i64) -> QueryResult<Page>;
    /// Where a reader starting now begins: the newest final position (0 when empty).
    fn head(&self, conn: &mut DbConn) -> QueryResult<i64>;
    /// How many events lie after position `seq`.
    fn backlog(&self, conn: &mut DbConn, seq: i64) -> QueryResult<i64>;
    /// Removes up to `limit` of the oldest events at or before position `taken_up_to` that
    /// occurred before `before`; says how many.
    fn trim(
        &self,
        conn: &mut DbConn,
        taken_up_to: i64,
        before: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<u64>;
    /// Forgets (about) `limit` of the oldest events the module's inbox recorded as handled
    /// before `before`; says how many.
    fn forget_handled(
        &self,
        conn: &mut DbConn,
        before: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<u64>;
}

/// Reads up to `limit` events after `seq` and keeps those `wanted`, returning them with the
/// position read up to — what a filtered live feed needs.
pub fn scan(
    outbox: &dyn OutboxTable,
    conn: &mut DbConn,
    seq: i64,
    limit: i64,
    wanted: impl Fn(&Event) -> bool,
) -> QueryResult<(Vec<StoredEvent>, i64)> {
    let batch = outbox.after(conn, seq, limit)?.events;
    let scanned = batch.last().map_or(seq, |e| e.seq);
    Ok((
        batch.into_iter().filter(|e| wanted(&e.event)).collect(),
        scanned,
    ))
}

/// Events read from an outbox: the final ones, oldest first, and whether newer ones wait
/// behind a transaction that has not ended yet.
#[derive(Debug, Default)]
pub struct Page {
    pub events: Vec<StoredEvent>,
    /// Events were committed after these but are not final yet: read again soon, not at the
    /// next poll.
    pub held_back: bool,
}

/// The position below which every event is final, as a value a statement selects.
///
/// On PostgreSQL an event's position is its transaction's id shifted left by 20 bits plus its
/// index in the transaction (`brigade_outbox_position()`, the outboxes' default), and every
/// transaction below the reading snapshot's xmin has ended, so nothing can still appear below
/// `xmin << 20`. Appends take no lock: commits of one outbox run in parallel and readers wait
/// (briefly) for the older ones. SQLite has one writer and AUTOINCREMENT, so every committed
/// position is final there.
///
/// A typed expression rather than a SQL literal so the statements that select it stay in the
/// connection's prepared-statement cache: with a literal, every poll of every outbox was
/// parsed and planned again.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
pub struct Horizon;

impl diesel::Expression for Horizon {
    type SqlType = diesel::sql_types::BigInt;
}

impl<QS> diesel::AppearsOnTable<QS> for Horizon {}

impl<QS> diesel::SelectableExpression<QS> for Horizon {}

impl<GB> diesel::expression::ValidGrouping<GB> for Horizon {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl QueryFragment<diesel::pg::Pg> for Horizon {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("(pg_snapshot_xmin(pg_current_snapshot())::TEXT::BIGINT << 20)");
        Ok(())
    }
}

impl QueryFragment<diesel::sqlite::Sqlite> for Horizon {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        out.push_sql("9223372036854775807");
        Ok(())
    }
}

impl QueryFragment<DbBackend> for Horizon {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DbBackend>) -> QueryResult<()> {
        DbBackend::walk_variant_ast(self, pass)
    }
}

/// The rows read after a position, each with the horizon of the statement that read them.
pub type RowsWithHorizon = Vec<(
    (i64, String, String, i32, String, NaiveDateTime, String),
    i64,
)>;

impl Page {
    /// Keeps the rows below their horizon; the rest are held back.
    pub fn below_horizon(rows: RowsWithHorizon) -> Self {
        let read = rows.len();
        let events: Vec<StoredEvent> = rows
            .into_iter()
            .take_while(|((seq, ..), horizon)| seq < horizon)
            .map(|(row, _)| StoredEvent::from_row(row))
            .collect();
        Self {
            held_back: events.len() < read,
            events,
        }
    }
}

/// The newest position, or just below the horizon when newer events are not final yet.
pub fn head(newest: Option<i64>, horizon: i64) -> i64 {
    newest.map_or(0, |newest| newest.min(horizon - 1))
}

/// Declares a module's `<module>_outbox` and `<module>_inbox` tables (created by the module's
/// migration), an `Outbox` type implementing [`OutboxTable`], and `first_delivery`, which a
/// consumer calls inside its transaction: `false` means the event was already handled.
#[macro_export]
macro_rules! event_tables {
    ($producer:literal, outbox = $outbox:ident, inbox = $inbox:ident) => {
        diesel::table! {
            $outbox (seq) {
                seq -> BigInt,
                id -> Text,
                event_type -> Text,
                version -> Integer,
                aggregate_id -> Text,
                occurred_at -> Timestamp,
                payload -> Text,
            }
        }

        diesel::table! {
            $inbox (event_id) {
                event_id -> Text,
                handled_at -> Timestamp,
            }
        }

        pub struct Outbox;

        impl $crate::platform::events::OutboxTable for Outbox {
            fn producer(&self) -> &'static str {
                $producer
            }

            fn append(
                &self,
                conn: &mut $crate::platform::db::DbConn,
                events: &[$crate::platform::events::Event],
            ) -> diesel::QueryResult<()> {
                use diesel::prelude::*;
                let rows: Vec<_> = events
                    .iter()
                    .map(|e| {
                        (
                            $outbox::id.eq(&e.id),
                            $outbox::event_type.eq(&e.event_type),
                            $outbox::version.eq(e.version),
                            $outbox::aggregate_id.eq(&e.aggregate_id),
                            $outbox::occurred_at.eq($crate::platform::db::timestamp::Written(
                                e.occurred_at.naive_utc(),
                            )),
                            $outbox::payload.eq(e.payload.to_string()),
                        )
                    })
                    .collect();
                // A transaction's events by one statement on PostgreSQL however many.
                $crate::insert_all!(conn, $outbox::table, rows)
            }

            fn after(
                &self,
                conn: &mut $crate::platform::db::DbConn,
                seq: i64,
                limit: i64,
            ) -> diesel::QueryResult<$crate::platform::events::Page> {
                use diesel::prelude::*;
                // Read by every delivery loop after every commit: on the backend's own
                // connection, its SQL is built once and found in the statement cache.
                let rows = $crate::per_backend!(conn, |c| $outbox::table
                    .filter($outbox::seq.gt(seq))
                    .order($outbox::seq.asc())
                    .limit(limit)
                    .select(($outbox::all_columns, $crate::platform::events::Horizon))
                    .load(c))?;
                Ok($crate::platform::events::Page::below_horizon(rows))
            }

            fn head(&self, conn: &mut $crate::platform::db::DbConn) -> diesel::QueryResult<i64> {
                use diesel::prelude::*;
                let (newest, horizon): (Option<i64>, i64) = $outbox::table
                    .select((
                        diesel::dsl::max($outbox::seq),
                        $crate::platform::events::Horizon,
                    ))
                    .first(conn)?;
                Ok($crate::platform::events::outbox_head(newest, horizon))
            }

            fn backlog(
                &self,
                conn: &mut $crate::platform::db::DbConn,
                seq: i64,
            ) -> diesel::QueryResult<i64> {
                use diesel::prelude::*;
                $outbox::table
                    .filter($outbox::seq.gt(seq))
                    .count()
                    .get_result(conn)
            }

            fn trim(
                &self,
                conn: &mut $crate::platform::db::DbConn,
                taken_up_to: i64,
                before: chrono::NaiveDateTime,
                limit: i64,
            ) -> diesel::QueryResult<u64> {
                use diesel::prelude::*;
                // The batch ends at the `limit`-th oldest position, so one statement never
                // removes more than that.
                let nth: Option<i64> = $outbox::table
                    .select($outbox::seq)
                    .filter($outbox::seq.le(taken_up_to))
                    .order($outbox::seq.asc())
                    .offset(limit - 1)
                    .first(conn)
                    .optional()?;
                let removed = diesel::delete(
                    $outbox::table
                        .filter($outbox::seq.le(nth.unwrap_or(taken_up_to)))
                        .filter($outbox::occurred_at.lt(before)),
                )
                .execute(conn)?;
                Ok(removed as u64)
            }

            fn forget_handled(
                &self,
                conn: &mut $crate::platform::db::DbConn,
                before: chrono::NaiveDateTime,
                limit: i64,
            ) -> diesel::QueryResult<u64> {
                use diesel::prelude::*;
                let nth: Option<chrono::NaiveDateTime> = $inbox::table
                    .select($inbox::handled_at)
                    .filter($inbox::handled_at.lt(before))
                    .order($inbox::handled_at.asc())
                    .offset(limit - 1)
                    .first(conn)
                    .optional()?;
                let removed = match nth {
                    Some(nth) => diesel::delete($inbox::table.filter($inbox::handled_at.le(nth)))
                        .execute(conn)?,
                    None => diesel::delete($inbox::table.filter($inbox::handled_at.lt(before)))
                        .execute(conn)?,
                };
                Ok(removed as u64)
            }
        }

        /// Records `event_id` as handled; `false` when it already was (a redelivery). One
        /// statement (`ON CONFLICT DO NOTHING`), so two replicas racing on one event cannot
        /// both see it as new.
        pub fn first_delivery(
            conn: &mut $crate::platform::db::DbConn,
            event_id: &str,
        ) -> diesel::QueryResult<bool> {
            use diesel::prelude::*;
            let row = (
                $inbox::event_id.eq(event_id),
                $inbox::handled_at.eq($crate::platform::db::timestamp::Written(
                    chrono::Utc::now().naive_utc(),
                )),
            );
            let inserted = $crate::insert_or_ignore!(conn, $inbox::table, row)?;
            Ok(inserted == 1)
        }

        /// This module's inbox and outbox, for consuming events through
        /// [`EventTables::consume`]($crate::platform::events::EventTables::consume).
        pub const TABLES: $crate::platform::events::EventTables =
            $crate::platform::events::EventTables {
                outbox: &Outbox,
                first_delivery,
            };
    };
}
