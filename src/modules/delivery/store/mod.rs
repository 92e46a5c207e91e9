//! Delivery's storage: its own tables, reached only through these functions.

mod schema;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::delivery::api::{Delivery, DeliveryStatus, Position};
use crate::platform::db::{DbConn, one_of, stored};
use schema::delivery_deliveries as deliveries;

pub use schema::{Outbox, TABLES};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = deliveries, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct DeliveryRow {
    pub id: String,
    pub order_id: String,
    pub tracking_code: String,
    pub status: String,
    pub courier_id: Option<String>,
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub position_at: Option<NaiveDateTime>,
    pub eta: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The venue it leaves from.
    pub venue_id: String,
}

pub fn status_name(s: DeliveryStatus) -> String {
    <&str>::from(s).to_owned()
}

impl DeliveryRow {
    pub fn status(&self) -> QueryResult<DeliveryStatus> {
        stored::name("delivery_deliveries.status", &self.status)
    }

    pub fn position(&self) -> Option<Position> {
        match (self.lat, self.lng, self.position_at) {
            (Some(lat), Some(lng), Some(at)) => Some(Position {
                lat,
                lng,
                at: at.and_utc(),
            }),
            _ => None,
        }
    }
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = diesel::result::Error;

    fn try_from(r: DeliveryRow) -> QueryResult<Self> {
        Ok(Delivery {
            status: r.status()?,
            last_position: r.position(),
            address: stored::json("delivery_deliveries.address", &r.address)?,
            eta: r.eta.map(|t| t.and_utc()),
            id: r.id,
            order_id: r.order_id,
            venue_id: r.venue_id,
            tracking_code: r.tracking_code,
            courier_id: r.courier_id,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        })
    }
}

/// `false` when the order already has a delivery.
pub fn insert(conn: &mut DbConn, row: &DeliveryRow) -> QueryResult<bool> {
    // `order_id` is unique: a second delivery for the order inserts nothing.
    Ok(crate::insert_or_ignore!(conn, deliveries::table, row)? == 1)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::id.eq(id))
        .first(conn)
        .optional()
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::tracking_code.eq(code))
        .first(conn)
        .optional()
}

/// A page of deliveries; with `courier`, only those offered to every courier (awaiting one)
/// and that courier's own.
/// A page of deliveries, oldest first.
pub struct PageQuery {
    pub status: Option<String>,
    /// A courier's view: what is on offer and their own.
    pub courier: Option<String>,
    /// Only these venues' deliveries; `None`: every venue's.
    pub venue_ids: Option<Vec<String>>,
    pub after: Option<String>,
    pub limit: i64,
}

pub fn page(conn: &mut DbConn, query: PageQuery) -> QueryResult<Vec<DeliveryRow>> {
    let PageQuery {
        status,
        courier,
        venue_ids,
        after,
        limit,
    } = query;
    let mut q = deliveries::table
        .order(deliveries::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(deliveries::status.eq(s));
    }
    if let Some(venues) = venue_ids {
        q = q.filter(one_of(deliveries::venue_id, venues));
    }
    if let Some(me) = courier {
        q = q.filter(
            deliveries::courier_id
                .eq(me)
                .or(deliveries::status.eq(status_name(DeliveryStatus::AwaitingCourier))),
        );
    }
    if let Some(a) = after {
        q = q.filter(deliveries::id.gt(a));
    }
    q.load(conn)
}

/// Saves `row` only if it is still in `expected` status; `false` if it moved meanwhile.
pub fn save_from(conn: &mut DbConn, row: &DeliveryRow, expected: &str) -> QueryResult<bool> {
    let n = diesel::update(
        deliveries::table
            .filter(deliveries::id.eq(&row.id))
            .filter(deliveries::status.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}
