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
        locked_until -> Nullable<Timestamp>,
        headers -> Nullable<Text>,
    }
}

use gateway_idempotency as records;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = records, treat_none_as_default_value = false)]
pub struct Record {
    pub principal: String,
    pub key: String,
    pub request_hash: String,
    /// `None` while the first request is still running.
    pub status: Option<i32>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    /// `None` with a status: the response showed a secret once, and is never kept.
    pub body: Option<String>,
    pub created_at: NaiveDateTime,
    /// While running: when the claim lapses if its process died (`None`: a claim from before
    /// leases existed, lapsed).
    pub locked_until: Option<NaiveDateTime>,
    /// Response headers a replay carries, as a JSON object.
    pub headers: Option<String>,
}

pub enum Claim {
    /// The key is this request's to run.
    Fresh,
    /// The key was used before; here is what happened.
    Taken(Record),
}

/// Claims the key, or takes over a claim whose lease lapsed (its process died mid-request).
pub fn claim(
    conn: &mut DbConn,
    record: &Record,
    expired_before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Claim> {
    let existing = records::table
        .filter(records::principal.eq(&record.principal))
        .filter(records::key.eq(&record.key))
        .first::<Record>(conn)
        .optional()?;
    // A record past retention is forgotten as if the sweep had already removed it.
    let existing = match existing {
        Some(expired) if expired.created_at < expired_before => {
            release(conn, &expired.principal, &expired.key)?;
            None
        }
        other => other,
    };
    let Some(existing) = existing else {
        diesel::insert_into(records::table)
            .values(record)
            .execute(conn)?;
        return Ok(Claim::Fresh);
    };
    let lapsed = existing.status.is_none()
        && existing.request_hash == record.request_hash
        && existing.locked_until.is_none_or(|until| until < now);
    if lapsed {
        // Only one retry wins the takeover: the update matches the lapsed lease it saw.
        let taken = diesel::update(
            records::table
                .filter(records::principal.eq(&record.principal))
                .filter(records::key.eq(&record.key))
                .filter(records::status.is_null())
                .filter(
                    records::locked_until
                        .is_null()
                        .or(records::locked_until.lt(now)),
                ),
        )
        .set(records::locked_until.eq(record.locked_until))
        .execute(conn)?;
        if taken == 1 {
            return Ok(Claim::Fresh);
        }
    }
    Ok(Claim::Taken(existing))
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
        records::headers.eq(&record.headers),
        records::locked_until.eq(None::<NaiveDateTime>),
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

/// Removes (about) `limit` of the oldest records created before `before`; says how many.
pub fn sweep(conn: &mut DbConn, before: NaiveDateTime, limit: i64) -> QueryResult<u64> {
    // The batch ends at the `limit`-th oldest record, so one statement stays short.
    let nth: Option<NaiveDateTime> = records::table
        .select(records::created_at)
        .filter(records::created_at.lt(before))
        .order(records::created_at.asc())
        .offset(limit - 1)
        .first(conn)
        .optional()?;
    let removed = match nth {
        Some(nth) => {
            diesel::delete(records::table.filter(records::created_at.le(nth))).execute(conn)?
        }
        None => {
            diesel::delete(records::table.filter(records::created_at.lt(before))).execute(conn)?
        }
    };
    Ok(removed as u64)
}
