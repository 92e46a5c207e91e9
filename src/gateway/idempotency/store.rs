//! Stored responses, keyed by principal and `Idempotency-Key` (a gateway table).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::platform::db::DbConn;

diesel::table! {
    gateway_idempotency (principal, key) {
        principal -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

use gateway_idempotency as records;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = records)]
pub struct Record {
    pub principal: String,
    pub key: String,
    pub request_hash: String,
    /// `None` while the first request is still running.
    pub status: Option<i32>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Claims the key; `Err(existing)` when it is already taken (and not expired).
pub fn claim(
    conn: &mut DbConn,
    record: &Record,
    expired_before: NaiveDateTime,
) -> QueryResult<Option<Record>> {
    diesel::delete(
        records::table
            .filter(records::principal.eq(&record.principal))
            .filter(records::created_at.lt(expired_before)),
    )
    .execute(conn)?;
    let existing = records::table
        .filter(records::principal.eq(&record.principal))
        .filter(records::key.eq(&record.key))
        .first::<Record>(conn)
        .optional()?;
    if existing.is_some() {
        return Ok(existing);
    }
    diesel::insert_into(records::table)
        .values(record)
        .execute(conn)?;
    Ok(None)
}

pub fn complete(conn: &mut DbConn, record: &Record) -> QueryResult<()> {
    diesel::update(
        records::table
            .filter(records::principal.eq(&record.principal))
            .filter(records::key.eq(&record.key)),
    )
    .set((
        records::status.eq(record.status),
        records::content_type.eq(&record.content_type),
        records::location.eq(&record.location),
        records::body.eq(&record.body),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn release(conn: &mut DbConn, principal: &str, key: &str) -> QueryResult<()> {
    diesel::delete(
        records::table
            .filter(records::principal.eq(principal))
            .filter(records::key.eq(key)),
    )
    .execute(conn)?;
    Ok(())
}
