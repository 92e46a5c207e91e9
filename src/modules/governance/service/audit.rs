//! The audit trail: `audit.recorded` events in, pages of entries out.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::modules::governance::api::{AuditEntry, AuditPage, AuditQuery, GovernanceError};
use crate::modules::governance::store::TABLES;
use crate::modules::governance::store::audit::{self, AuditFilter, AuditRow};
use crate::platform::db::Db;
use crate::platform::events::{Event, Wake};
use crate::platform::pagination;

pub const AUDIT_RECORDED: &str = "audit.recorded";

/// `audit.recorded` v1 as governance reads it.
#[derive(Debug, Deserialize)]
struct Recorded {
    at: DateTime<Utc>,
    actor_id: String,
    key_id: Option<String>,
    #[serde(default)]
    actor_roles: Vec<String>,
    action: String,
    path: String,
    target_type: String,
    target_id: Option<String>,
    status: u16,
    request_id: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

fn json_text(v: Option<serde_json::Value>) -> Option<String> {
    v.filter(|v| !v.is_null()).map(|v| v.to_string())
}

/// Stores one recorded action, once however often it is delivered.
pub async fn consume(db: &Db, wake: &Wake, event: &Event) -> Result<(), String> {
    if event.event_type != AUDIT_RECORDED {
        return Ok(());
    }
    let r: Recorded = event.payload(&[1])?;
    // The event's id is time-ordered, so entries sort by when they happened.
    let id = format!("aud_{}", event.id.rsplit('_').next().unwrap_or(&event.id));
    let row = AuditRow {
        id,
        at: r.at.naive_utc(),
        actor_id: r.actor_id,
        key_id: r.key_id,
        actor_roles: r.actor_roles.join(","),
        action: r.action,
        path: r.path,
        target_type: r.target_type,
        target_id: r.target_id,
        status: i32::from(r.status),
        request_id: r.request_id,
        before: json_text(r.before),
        after: json_text(r.after),
    };
    TABLES
        .consume(db, wake, event, move |c, _| {
            audit::insert(c, &row)?;
            Ok::<_, GovernanceError>(())
        })
        .await?;
    Ok(())
}

fn entry(row: AuditRow) -> AuditEntry {
    let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str(&t).ok());
    AuditEntry {
        at: row.at.and_utc(),
        actor_roles: row
            .actor_roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        status: u16::try_from(row.status).unwrap_or(0),
        before: parse(row.before),
        after: parse(row.after),
        id: row.id,
        actor_id: row.actor_id,
        key_id: row.key_id,
        action: row.action,
        path: row.path,
        target_type: row.target_type,
        target_id: row.target_id,
        request_id: row.request_id,
    }
}

pub async fn page(db: &Db, q: AuditQuery) -> Result<AuditPage, GovernanceError> {
    let (limit, before_id) = pagination::parse::<String>(q.limit, q.cursor.as_deref())
        .map_err(GovernanceError::Validation)?;
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        target_id: q.target_id,
        from: q.from.map(|t| t.naive_utc()),
        to: q.to.map(|t| t.naive_utc()),
        before_id,
        limit: i64::from(limit) + 1,
    };
    let rows = db
        .scan(move |c| audit::page(c, &filter).map_err(GovernanceError::from))
        .await?;
    let (rows, next_cursor) = pagination::split(rows, limit, |r| r.id.clone());
    Ok(AuditPage {
        data: rows.into_iter().map(entry).collect(),
        next_cursor,
    })
}
