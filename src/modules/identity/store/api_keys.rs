//! API key rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::identity_api_keys as keys;
use crate::modules::identity::api::ApiKey;
use crate::platform::db::DbConn;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = keys, treat_none_as_default_value = false)]
pub struct ApiKeyRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub secret_digest: String,
    pub previous_digest: Option<String>,
    pub previous_valid_until: Option<NaiveDateTime>,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: r
                .scopes
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            created_at: r.created_at.and_utc(),
            expires_at: r.expires_at.map(|t| t.and_utc()),
            last_used_at: r.last_used_at.map(|t| t.and_utc()),
            revoked_at: r.revoked_at.map(|t| t.and_utc()),
        }
    }
}

/// Keys of `user_id` that still work: not revoked and not expired.
pub fn live_count(conn: &mut DbConn, user_id: &str, now: NaiveDateTime) -> QueryResult<i64> {
    keys::table
        .filter(keys::user_id.eq(user_id))
        .filter(keys::revoked_at.is_null())
        .filter(keys::expires_at.is_null().or(keys::expires_at.gt(now)))
        .count()
        .get_result(conn)
}

pub fn insert(conn: &mut DbConn, row: &ApiKeyRow) -> QueryResult<()> {
    diesel::insert_into(keys::table).values(row).execute(conn)?;
    Ok(())
}

/// The key whose current secret, or previous secret still in its overlap, has this digest.
pub fn by_digest(
    conn: &mut DbConn,
    digest: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<ApiKeyRow>> {
    if let Some(row) = keys::table
        .filter(keys::secret_digest.eq(digest))
        .first::<ApiKeyRow>(conn)
        .optional()?
    {
        return Ok(Some(row));
    }
    keys::table
        .filter(keys::previous_digest.eq(digest))
        .filter(keys::previous_valid_until.gt(now))
        .first(conn)
        .optional()
}

pub fn of_user(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<ApiKeyRow>> {
    keys::table
        .filter(keys::user_id.eq(user_id))
        .order(keys::id.asc())
        .load(conn)
}

pub fn find(conn: &mut DbConn, user_id: &str, id: &str) -> QueryResult<Option<ApiKeyRow>> {
    keys::table
        .filter(keys::user_id.eq(user_id))
        .filter(keys::id.eq(id))
        .first(conn)
        .optional()
}

pub fn revoke(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    super::raise_credentials_revision(conn)?;
    diesel::update(
        keys::table
            .filter(keys::id.eq(id))
            .filter(keys::revoked_at.is_null()),
    )
    .set(keys::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

pub fn rotate(
    conn: &mut DbConn,
    row: &ApiKeyRow,
    new_digest: &str,
    new_prefix: &str,
    overlap_until: NaiveDateTime,
) -> QueryResult<()> {
    super::raise_credentials_revision(conn)?;
    diesel::update(keys::table.filter(keys::id.eq(&row.id)))
        .set((
            keys::secret_digest.eq(new_digest),
            keys::prefix.eq(new_prefix),
            keys::previous_digest.eq(&row.secret_digest),
            keys::previous_valid_until.eq(overlap_until),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records use at most once a minute, so authentication stays a read almost always.
pub fn touch(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    let stale = now - chrono::TimeDelta::seconds(60);
    diesel::update(
        keys::table.filter(keys::id.eq(id)).filter(
            keys::last_used_at
                .is_null()
                .or(keys::last_used_at.lt(stale)),
        ),
    )
    .set(keys::last_used_at.eq(now))
    .execute(conn)?;
    Ok(())
}
