//! Webhooks' storage: its own tables, reached only through these functions.

mod schema;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::webhooks::api::{WebhookDeliveryStatus, WebhookEndpointStatus};
use crate::platform::db::{DbConn, none_of, one_of};
use schema::{
    webhooks_attempts as attempts, webhooks_deliveries as deliveries,
    webhooks_endpoints as endpoints,
};

/// How a status is stored: its name (`strum`), read back strictly with `stored::name`.
pub fn name(status: impl Into<&'static str>) -> &'static str {
    status.into()
}

pub use schema::{Outbox, TABLES};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = endpoints, treat_none_as_default_value = false)]
pub struct EndpointRow {
    pub id: String,
    pub owner_id: String,
    pub url: String,
    pub event_types: String,
    pub description: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub status: String,
    pub disabled_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = deliveries, treat_none_as_default_value = false)]
pub struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    pub body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = attempts, treat_none_as_default_value = false)]
pub struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

pub fn insert_endpoint(conn: &mut DbConn, row: &EndpointRow) -> QueryResult<()> {
    diesel::insert_into(endpoints::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn endpoint(conn: &mut DbConn, id: &str) -> QueryResult<Option<EndpointRow>> {
    endpoints::table.find(id).first(conn).optional()
}

pub fn endpoints_of(conn: &mut DbConn, owner: &str) -> QueryResult<Vec<EndpointRow>> {
    endpoints::table
        .filter(endpoints::owner_id.eq(owner))
        .order(endpoints::id.asc())
        .load(conn)
}

pub fn count_of(conn: &mut DbConn, owner: &str) -> QueryResult<i64> {
    endpoints::table
        .filter(endpoints::owner_id.eq(owner))
        .count()
        .get_result(conn)
}

/// Active endpoints; the caller keeps those subscribed to an event type.
pub fn active_endpoints(conn: &mut DbConn) -> QueryResult<Vec<EndpointRow>> {
    // Read fresh for every event delivered: on the backend's own connection, its SQL is
    // built once and found in the statement cache.
    let active = name(WebhookEndpointStatus::Active);
    crate::per_backend!(conn, |c| endpoints::table
        .filter(endpoints::status.eq(active))
        .load(c))
}

pub fn update_endpoint(conn: &mut DbConn, row: &EndpointRow) -> QueryResult<()> {
    diesel::update(endpoints::table.find(&row.id))
        .set((
            endpoints::secret.eq(&row.secret),
            endpoints::previous_secret.eq(&row.previous_secret),
            endpoints::previous_secret_expires_at.eq(row.previous_secret_expires_at),
            endpoints::status.eq(&row.status),
            endpoints::disabled_reason.eq(&row.disabled_reason),
            endpoints::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_endpoint(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    let ids: Vec<String> = deliveries::table
        .filter(deliveries::endpoint_id.eq(id))
        .select(deliveries::id)
        .load(conn)?;
    diesel::delete(attempts::table.filter(one_of(attempts::delivery_id, ids))).execute(conn)?;
    diesel::delete(deliveries::table.filter(deliveries::endpoint_id.eq(id))).execute(conn)?;
    diesel::delete(endpoints::table.find(id)).execute(conn)?;
    Ok(())
}

/// `false` when this endpoint already has this event.
pub fn insert_delivery(conn: &mut DbConn, row: &DeliveryRow) -> QueryResult<bool> {
    let exists: i64 = deliveries::table
        .filter(deliveries::endpoint_id.eq(&row.endpoint_id))
        .filter(deliveries::event_id.eq(&row.event_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

pub fn delivery(conn: &mut DbConn, id: &str) -> QueryResult<Option<DeliveryRow>> {
    deliveries::table.find(id).first(conn).optional()
}

/// Pending deliveries due by `now`, oldest first.
/// Up to `limit` pending deliveries due at `now`, oldest first, leaving out `busy` endpoints'.
pub fn due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
    busy: &[&String],
) -> QueryResult<Vec<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::status.eq(name(WebhookDeliveryStatus::Pending)))
        .filter(deliveries::next_attempt_at.le(now))
        .filter(none_of(deliveries::endpoint_id, busy))
        .order(deliveries::next_attempt_at.asc())
        .limit(limit)
        .load(conn)
}

/// Takes due deliveries for one attempt each by pushing their due time past the attempt;
/// returns those taken (another worker or replica may have taken some first).
pub fn claim(
    conn: &mut DbConn,
    due: Vec<DeliveryRow>,
    until: NaiveDateTime,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut taken = Vec::with_capacity(due.len());
    for row in due {
        let n = diesel::update(
            deliveries::table
                .filter(deliveries::id.eq(&row.id))
                .filter(deliveries::status.eq(name(WebhookDeliveryStatus::Pending)))
                .filter(deliveries::next_attempt_at.eq(row.next_attempt_at)),
        )
        .set(deliveries::next_attempt_at.eq(Some(until)))
        .execute(conn)?;
        if n == 1 {
            taken.push(row);
        }
    }
    Ok(taken)
}

pub fn settle(
    conn: &mut DbConn,
    id: &str,
    status: WebhookDeliveryStatus,
    attempts_made: i32,
    next: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::status.eq(name(status)),
            deliveries::attempts.eq(attempts_made),
            deliveries::next_attempt_at.eq(next),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_attempt(conn: &mut DbConn, row: &AttemptRow) -> QueryResult<()> {
    diesel::insert_into(attempts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Newest first, after the delivery `after`.
pub fn deliveries_of(
    conn: &mut DbConn,
    endpoint_id: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let mut q = deliveries::table
        .filter(deliveries::endpoint_id.eq(endpoint_id))
        .order(deliveries::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(deliveries::id.lt(a.to_owned()));
    }
    q.load(conn)
}

pub fn attempts_of(conn: &mut DbConn, delivery_ids: &[String]) -> QueryResult<Vec<AttemptRow>> {
    attempts::table
        .filter(one_of(attempts::delivery_id, delivery_ids))
        .order(attempts::at.asc())
        .load(conn)
}
