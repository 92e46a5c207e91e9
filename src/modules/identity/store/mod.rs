//! Identity's storage: its own tables, reached only through these functions.

pub mod api_keys;
mod schema;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::platform::db::timestamp::Stamp;
use crate::platform::db::{DbConn, one_of, stored};
use schema::{
    identity_credentials_revision as revision, identity_login_throttle as throttle,
    identity_sessions as sessions, identity_users as users,
};

use super::domain::throttle::Record;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub roles: String,
    #[diesel(deserialize_as = Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Stamp)]
    pub updated_at: NaiveDateTime,
    pub plan: Option<String>,
    /// JSON array of the venues the user works at; NULL: every venue.
    pub venue_ids: Option<String>,
}

impl UserRow {
    /// The venues the user works at; `None`: every venue.
    pub fn venues(&self) -> QueryResult<Option<Vec<String>>> {
        venues_of(self.venue_ids.as_deref())
    }
}

/// Venues stored as a JSON array; NULL: every venue.
pub fn venues_of(text: Option<&str>) -> QueryResult<Option<Vec<String>>> {
    text.map(|t| stored::json("identity_users.venue_ids", t))
        .transpose()
}

/// What a live session's user may do, and when the session expires.
#[derive(Debug, Clone, Queryable)]
pub struct SessionUser {
    pub roles: String,
    pub plan: Option<String>,
    pub venue_ids: Option<String>,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = sessions, treat_none_as_default_value = false)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub refresh_digest: String,
    pub previous_refresh_digest: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn insert_user(conn: &mut DbConn, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn user_by_id(conn: &mut DbConn, id: &str) -> QueryResult<Option<UserRow>> {
    crate::per_backend!(conn, |c| users::table.find(id).first(c).optional())
}

/// The users among `ids`, each with its id, by one statement.
pub fn users_by_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, UserRow)>> {
    let rows: Vec<UserRow> = crate::per_backend!(conn, |c| users::table
        .filter(one_of(users::id, ids))
        .load(c))?;
    Ok(rows.into_iter().map(|row| (row.id.clone(), row)).collect())
}

pub fn user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .first(conn)
        .optional()
}

pub fn update_user(conn: &mut DbConn, row: &UserRow) -> QueryResult<()> {
    raise_credentials_revision(conn)?;
    diesel::update(users::table.find(&row.id))
        .set((
            users::name.eq(&row.name),
            users::password_hash.eq(&row.password_hash),
            users::roles.eq(&row.roles),
            users::plan.eq(&row.plan),
            users::venue_ids.eq(&row.venue_ids),
            users::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Replaces the password hash with one of the same password made with other settings, if it
/// is still `old` (a password changed meanwhile wins). The credentials revision stays: what a
/// session or key may do has not changed.
pub fn replace_password_hash(
    conn: &mut DbConn,
    id: &str,
    old: &str,
    new: &str,
) -> QueryResult<bool> {
    diesel::update(users::table.find(id).filter(users::password_hash.eq(old)))
        .set(users::password_hash.eq(new))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn insert_session(conn: &mut DbConn, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn session_by_refresh(conn: &mut DbConn, digest: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .filter(sessions::refresh_digest.eq(digest))
        .first(conn)
        .optional()
}

pub fn session_by_previous_refresh(
    conn: &mut DbConn,
    digest: &str,
) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .filter(sessions::previous_refresh_digest.eq(digest))
        .first(conn)
        .optional()
}

/// What a live session's user may do, and when the session expires.
pub fn live_session_user(
    conn: &mut DbConn,
    session_id: &str,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<SessionUser>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .select((
            users::roles,
            users::plan,
            users::venue_ids,
            sessions::expires_at,
        ))
        .first(conn)
        .optional()
}

pub fn rotate_refresh(
    conn: &mut DbConn,
    session_id: &str,
    old_digest: &str,
    new_digest: &str,
) -> QueryResult<bool> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::refresh_digest.eq(old_digest)),
    )
    .set((
        sessions::refresh_digest.eq(new_digest),
        sessions::previous_refresh_digest.eq(Some(old_digest)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn revoke_session(conn: &mut DbConn, session_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    raise_credentials_revision(conn)?;
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
    .map(|_| ())
}

pub fn revoke_other_sessions(
    conn: &mut DbConn,
    user_id: &str,
    keep: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    raise_credentials_revision(conn)?;
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(Some(now)))
    .execute(conn)
    .map(|_| ())
}

pub fn throttle_record(conn: &mut DbConn, email: &str) -> QueryResult<Option<Record>> {
    let row: Option<(i32, NaiveDateTime, Option<NaiveDateTime>)> = throttle::table
        .find(email)
        .select((
            throttle::failures,
            throttle::window_started_at,
            throttle::locked_until,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(failures, window, locked)| Record {
        failures: failures.max(0) as u32,
        window_started_at: utc(window),
        locked_until: locked.map(utc),
    }))
}

pub fn save_throttle_record(conn: &mut DbConn, email: &str, record: &Record) -> QueryResult<()> {
    let values = (
        throttle::failures.eq(record.failures.min(i32::MAX as u32) as i32),
        throttle::window_started_at.eq(record.window_started_at.naive_utc()),
        throttle::locked_until.eq(record.locked_until.map(|t| t.naive_utc())),
    );
    let updated = diesel::update(throttle::table.find(email))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(throttle::table)
            .values((throttle::email.eq(email), values.0, values.1, values.2))
            .execute(conn)?;
    }
    Ok(())
}

pub fn clear_throttle(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    diesel::delete(throttle::table.find(email))
        .execute(conn)
        .map(|_| ())
}

/// The credentials revision: raised by every change that makes a session or key mean less.
pub fn credentials_revision(conn: &mut DbConn) -> QueryResult<i64> {
    crate::per_backend!(conn, |c| revision::table
        .select(revision::revision)
        .filter(revision::id.eq(1))
        .first(c))
}

/// Raises the credentials revision, in the caller's transaction: replicas drop what they
/// cached before it (see `service::credentials`).
pub(super) fn raise_credentials_revision(conn: &mut DbConn) -> QueryResult<()> {
    diesel::update(revision::table.filter(revision::id.eq(1)))
        .set(revision::revision.eq(revision::revision + 1))
        .execute(conn)
        .map(|_| ())
}
