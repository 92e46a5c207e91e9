//! Governance's storage: its own tables, reached only through these functions.

pub mod audit;
mod schema;

pub use schema::{Outbox, TABLES};

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable};
use diesel::upsert::excluded;

use crate::modules::governance::api::Subject;
use crate::modules::governance::domain::usage::{BUCKETS, Tally, UsageKey, into_days};
use crate::platform::db::DbConn;
use schema::governance_usage as usage;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = usage, treat_none_as_default_value = false)]
struct UsageRow {
    hour: NaiveDateTime,
    subject_kind: String,
    subject_id: String,
    user_id: String,
    operation: String,
    status_class: i32,
    count: i64,
    latency_sum_ms: i64,
    b0: i64,
    b1: i64,
    b2: i64,
    b3: i64,
    b4: i64,
    b5: i64,
    b6: i64,
    b7: i64,
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl UsageRow {
    fn new(key: &UsageKey, t: &Tally) -> Self {
        let b = t.buckets.map(signed);
        Self {
            hour: key.hour.naive_utc(),
            subject_kind: key.subject.kind().to_owned(),
            subject_id: key.subject.id().to_owned(),
            user_id: key.subject.user_id().to_owned(),
            operation: key.operation.clone(),
            status_class: key.status_class,
            count: signed(t.count),
            latency_sum_ms: signed(t.latency_sum_ms),
            b0: b[0],
            b1: b[1],
            b2: b[2],
            b3: b[3],
            b4: b[4],
            b5: b[5],
            b6: b[6],
            b7: b[7],
        }
    }

    fn into_counts(self) -> (UsageKey, Tally) {
        let subject = match self.subject_kind.as_str() {
            "api_key" => Subject::ApiKey {
                key_id: self.subject_id,
                user_id: self.user_id,
            },
            "user" => Subject::User(self.subject_id),
            _ => Subject::Anonymous,
        };
        let buckets: [i64; BUCKETS] = [
            self.b0, self.b1, self.b2, self.b3, self.b4, self.b5, self.b6, self.b7,
        ];
        (
            UsageKey {
                hour: self.hour.and_utc(),
                subject,
                operation: self.operation,
                status_class: self.status_class,
            },
            Tally {
                count: unsigned(self.count),
                latency_sum_ms: unsigned(self.latency_sum_ms),
                buckets: buckets.map(unsigned),
            },
        )
    }
}

/// Adds counts to the stored ones (one upsert per row: SQLite has no batch upsert).
macro_rules! add_to {
    ($conn:expr, $row:expr) => {
        diesel::insert_into(usage::table)
            .values($row)
            .on_conflict((
                usage::hour,
                usage::subject_kind,
                usage::subject_id,
                usage::operation,
                usage::status_class,
            ))
            .do_update()
            .set((
                usage::count.eq(usage::count + excluded(usage::count)),
                usage::latency_sum_ms.eq(usage::latency_sum_ms + excluded(usage::latency_sum_ms)),
                usage::b0.eq(usage::b0 + excluded(usage::b0)),
                usage::b1.eq(usage::b1 + excluded(usage::b1)),
                usage::b2.eq(usage::b2 + excluded(usage::b2)),
                usage::b3.eq(usage::b3 + excluded(usage::b3)),
                usage::b4.eq(usage::b4 + excluded(usage::b4)),
                usage::b5.eq(usage::b5 + excluded(usage::b5)),
                usage::b6.eq(usage::b6 + excluded(usage::b6)),
                usage::b7.eq(usage::b7 + excluded(usage::b7)),
            ))
            .execute($conn)
    };
}

pub fn add_counts(conn: &mut DbConn, counts: &HashMap<UsageKey, Tally>) -> QueryResult<()> {
    for (key, tally) in counts {
        let row = UsageRow::new(key, tally);
        match conn {
            DbConn::Sqlite(c) => add_to!(c, &row)?,
            DbConn::Postgres(c) => add_to!(c, &row)?,
        };
    }
    Ok(())
}

/// Stored calls of `subject` in hours from `since`.
/// Calls of a user and all their keys since `since`.
pub fn account_calls_since(
    conn: &mut DbConn,
    user_id: &str,
    since: DateTime<Utc>,
) -> QueryResult<u64> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; the cast keeps one result type everywhere.
    let total: Option<i64> = usage::table
        .filter(usage::user_id.eq(user_id))
        .filter(usage::subject_kind.ne("anonymous"))
        .filter(usage::hour.ge(since.naive_utc()))
        .select(sql::<Nullable<BigInt>>("CAST(SUM(count) AS BIGINT)"))
        .first(conn)?;
    Ok(total.map(unsigned).unwrap_or(0))
}

pub struct UsageFilter {
    pub key: Option<String>,
    pub user: Option<String>,
    pub operation: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Hourly counts matching `f` (hours starting in `[from, to)`), at most `limit` rows.
pub fn load(conn: &mut DbConn, f: &UsageFilter, limit: i64) -> QueryResult<Vec<(UsageKey, Tally)>> {
    let mut query = usage::table
        .filter(usage::hour.ge(f.from.naive_utc()))
        .filter(usage::hour.lt(f.to.naive_utc()))
        .order(usage::hour.asc())
        .limit(limit)
        .into_boxed();
    if let Some(key) = &f.key {
        query = query
            .filter(usage::subject_kind.eq("api_key"))
            .filter(usage::subject_id.eq(key.clone()));
    }
    if let Some(user) = &f.user {
        query = query.filter(usage::user_id.eq(user.clone()));
    }
    if let Some(op) = &f.operation {
        query = query.filter(usage::operation.eq(op.clone()));
    }
    let rows: Vec<UsageRow> = query.load(conn)?;
    Ok(rows.into_iter().map(UsageRow::into_counts).collect())
}

/// Rolls up to `limit` hourly rows of hours in `[from, horizon)` into their day's row (at
/// 00:00 UTC, which already holds that day's first hour and what earlier roll-ups added);
/// says how many it rolled. A row is added to its day only by the transaction that deleted
/// it, so two replicas rolling up at once count it once.
pub fn roll_up_hours(
    conn: &mut DbConn,
    from: NaiveDateTime,
    horizon: NaiveDateTime,
    limit: i64,
) -> QueryResult<u64> {
    let past_midnight = match conn {
        DbConn::Sqlite(_) => "time(hour) <> '00:00:00'",
        DbConn::Postgres(_) => "hour <> date_trunc('day', hour)",
    };
    let hourly: Vec<UsageRow> = usage::table
        .filter(usage::hour.ge(from))
        .filter(usage::hour.lt(horizon))
        .filter(sql::<Bool>(past_midnight))
        .order(usage::hour.asc())
        .limit(limit)
        .load(conn)?;
    let mut rolled = Vec::with_capacity(hourly.len());
    for row in hourly {
        let deleted = diesel::delete(
            usage::table
                .filter(usage::hour.eq(row.hour))
                .filter(usage::subject_kind.eq(&row.subject_kind))
                .filter(usage::subject_id.eq(&row.subject_id))
                .filter(usage::operation.eq(&row.operation))
                .filter(usage::status_class.eq(row.status_class)),
        )
        .execute(conn)?;
        if deleted == 1 {
            rolled.push(row.into_counts());
        }
    }
    let count = rolled.len() as u64;
    add_counts(conn, &into_days(rolled))?;
    Ok(count)
}
