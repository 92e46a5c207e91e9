//! The dispatcher's own bookkeeping: a cursor per subscription and the dead letters.
//! Platform tables (`event_*`): they describe delivery, never a module's business data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::platform::db::{DbConn, prepared_update};

diesel::table! {
    event_cursors (subscription) {
        subscription -> Text,
        position -> BigInt,
        attempts -> Integer,
        retry_at -> Timestamp,
        last_error -> Text,
        lease_owner -> Text,
        leased_until -> Timestamp,
    }
}

diesel::table! {
    event_dead_letters (id) {
        id -> Text,
        subscription -> Text,
        event_id -> Text,
        event -> Text,
        error -> Text,
        attempts -> Integer,
        dead_at -> Timestamp,
        redriven_at -> Nullable<Timestamp>,
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Cursor {
    pub subscription: String,
    pub position: i64,
    pub attempts: i32,
    pub retry_at: NaiveDateTime,
    pub last_error: String,
    pub lease_owner: String,
    pub leased_until: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = event_dead_letters, treat_none_as_default_value = false)]
pub struct DeadLetterRow {
    pub id: String,
    pub subscription: String,
    pub event_id: String,
    pub event: String,
    pub error: String,
    pub attempts: i32,
    pub dead_at: NaiveDateTime,
    pub redriven_at: Option<NaiveDateTime>,
}

impl DeadLetterRow {
    /// `event`, buried now for `subscription` after `attempts` failures, the last with `error`.
    pub fn new(subscription: String, event: &super::Event, error: String, attempts: i32) -> Self {
        Self {
            id: crate::platform::ids::new_id("dlq"),
            subscription,
            event_id: event.id.clone(),
            event: serde_json::to_string(event).unwrap_or_default(),
            error,
            attempts,
            dead_at: chrono::Utc::now().naive_utc(),
            redriven_at: None,
        }
    }
}

/// Creates the cursor of a new subscription at the start of its producer's outbox.
pub fn ensure_cursor(conn: &mut DbConn, name: &str) -> QueryResult<()> {
    use self::event_cursors as c;
    let exists: i64 = c::table
        .filter(c::subscription.eq(name))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        let epoch = NaiveDateTime::default();
        diesel::insert_into(c::table)
            .values((
                c::subscription.eq(name),
                c::position.eq(0_i64),
                c::attempts.eq(0),
                c::retry_at.eq(epoch),
                c::last_error.eq(""),
                c::lease_owner.eq(""),
                c::leased_until.eq(epoch),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes (or renews) the lease on a subscription, so only one replica delivers it at a time.
pub fn lease(
    conn: &mut DbConn,
    name: &str,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<Cursor>> {
    use self::event_cursors as c;
    let taken = diesel::update(
        c::table
            .filter(c::subscription.eq(name))
            .filter(c::leased_until.lt(now).or(c::lease_owner.eq(owner))),
    )
    .set((c::lease_owner.eq(owner), c::leased_until.eq(until)))
    .execute(conn)?;
    if taken == 0 {
        return Ok(None);
    }
    c::table
        .filter(c::subscription.eq(name))
        .first(conn)
        .optional()
}

pub fn release(conn: &mut DbConn, owner: &str) -> QueryResult<()> {
    use self::event_cursors as c;
    diesel::update(c::table.filter(c::lease_owner.eq(owner)))
        .set(c::leased_until.eq(NaiveDateTime::default()))
        .execute(conn)?;
    Ok(())
}

pub fn save(conn: &mut DbConn, cursor: &Cursor) -> QueryResult<()> {
    use self::event_cursors as c;
    struct SaveCursor;
    crate::per_backend!(conn, |conn| prepared_update::<SaveCursor, _, _, _>(
        c::table,
        c::subscription.eq(&cursor.subscription),
        (
            c::position.eq(cursor.position),
            c::attempts.eq(cursor.attempts),
            c::retry_at.eq(cursor.retry_at),
            c::last_error.eq(&cursor.last_error),
        ),
    )
    .execute(conn))?;
    Ok(())
}

pub fn bury(conn: &mut DbConn, row: &DeadLetterRow) -> QueryResult<()> {
    diesel::insert_into(event_dead_letters::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Newest first, after the dead letter `after`.
pub fn dead_letters(
    conn: &mut DbConn,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DeadLetterRow>> {
    use self::event_dead_letters as d;
    let mut query = d::table.order(d::id.desc()).limit(limit).into_boxed();
    if let Some(after) = after {
        query = query.filter(d::id.lt(after.to_owned()));
    }
    query.load(conn)
}

pub fn dead_letter(conn: &mut DbConn, key: &str) -> QueryResult<Option<DeadLetterRow>> {
    use self::event_dead_letters as d;
    d::table.filter(d::id.eq(key)).first(conn).optional()
}

pub fn update_dead_letter(conn: &mut DbConn, row: &DeadLetterRow) -> QueryResult<()> {
    use self::event_dead_letters as d;
    diesel::update(d::table.filter(d::id.eq(&row.id)))
        .set((
            d::error.eq(&row.error),
            d::attempts.eq(row.attempts),
            d::redriven_at.eq(row.redriven_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every subscription's delivery position, for operators.
pub fn cursors(conn: &mut DbConn) -> QueryResult<Vec<Cursor>> {
    event_cursors::table
        .order(event_cursors::subscription.asc())
        .load(conn)
}

/// Dead letters not yet re-driven, per subscription.
pub fn open_dead_letters(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    use self::event_dead_letters as d;
    d::table
        .filter(d::redriven_at.is_null())
        .group_by(d::subscription)
        .select((d::subscription, diesel::dsl::count_star()))
        .load(conn)
}

/// The lowest position any reader of `producer`'s outbox has reached: over the broker, its
/// relay's; in-process, every subscription's. `None` when nothing reads it.
pub fn taken_up_to(
    conn: &mut DbConn,
    producer: &str,
    over_broker: bool,
) -> QueryResult<Option<i64>> {
    use self::event_cursors as c;
    let readers = if over_broker {
        c::table
            .filter(c::subscription.eq(format!("jetstream<-{producer}")))
            .into_boxed()
    } else {
        c::table
            .filter(c::subscription.like(format!("%<-{producer}")))
            .into_boxed()
    };
    readers.select(diesel::dsl::min(c::position)).first(conn)
}
