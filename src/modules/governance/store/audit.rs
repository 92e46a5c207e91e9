//! The audit trail's table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::governance_audit as audit;
use crate::platform::db::DbConn;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = audit, treat_none_as_default_value = false)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: String,
    pub key_id: Option<String>,
    pub actor_roles: String,
    pub action: String,
    pub path: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub status: i32,
    pub request_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn insert(conn: &mut DbConn, row: &AuditRow) -> QueryResult<()> {
    diesel::insert_into(audit::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Ids sort by time (UUIDv7): newest first, continuing below this one.
    pub before_id: Option<String>,
    pub limit: i64,
}

pub fn page(conn: &mut DbConn, f: &AuditFilter) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit::table
        .order(audit::id.desc())
        .limit(f.limit)
        .into_boxed();
    if let Some(actor) = &f.actor {
        query = query.filter(audit::actor_id.eq(actor.clone()));
    }
    if let Some(action) = &f.action {
        query = query.filter(audit::action.eq(action.clone()));
    }
    if let Some(target) = &f.target_id {
        query = query.filter(audit::target_id.eq(target.clone()));
    }
    if let Some(from) = f.from {
        query = query.filter(audit::at.ge(from));
    }
    if let Some(to) = f.to {
        query = query.filter(audit::at.lt(to));
    }
    if let Some(id) = &f.before_id {
        query = query.filter(audit::id.lt(id.clone()));
    }
    query.load(conn)
}
