//! Venues' storage: its own tables, reached only through these functions.

mod schema;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::venues::api::{FulfillmentKind, Reservation, Venue, VenueMode, VenueState};
use crate::modules::venues::domain::slots::{Capacity, Load};
use crate::platform::db::{DbConn, stored};
use schema::venues_venues as venues;

pub use schema::{Outbox, TABLES};
use schema::{venues_reservations as reservations, venues_slots as slots};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = venues, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct VenueRow {
    pub id: String,
    pub name: String,
    pub address: String,
    pub time_zone: String,
    pub currency: String,
    /// JSON [`WeeklyHours`](crate::modules::venues::api::WeeklyHours); NULL: around the clock.
    pub hours: Option<String>,
    /// JSON list of [`DateHours`](crate::modules::venues::api::DateHours).
    pub exceptions: String,
    pub mode: String,
    pub busy_minutes: i32,
    pub refuse_asap: bool,
    /// JSON [`Scheduling`](crate::modules::venues::api::Scheduling).
    pub scheduling: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<VenueRow> for Venue {
    type Error = diesel::result::Error;

    fn try_from(r: VenueRow) -> QueryResult<Self> {
        let mode: VenueMode = stored::name("venues_venues.mode", &r.mode)?;
        Ok(Venue {
            hours: r
                .hours
                .as_deref()
                .map(|h| stored::json("venues_venues.hours", h))
                .transpose()?,
            exceptions: stored::json("venues_venues.exceptions", &r.exceptions)?,
            scheduling: stored::json("venues_venues.scheduling", &r.scheduling)?,
            state: VenueState {
                mode,
                busy_minutes: r.busy_minutes.max(0) as u32,
                refuse_asap: r.refuse_asap,
            },
            id: r.id,
            name: r.name,
            address: r.address,
            time_zone: r.time_zone,
            currency: r.currency,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        })
    }
}

pub fn insert(conn: &mut DbConn, row: &VenueRow) -> QueryResult<()> {
    diesel::insert_into(venues::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<VenueRow>> {
    // Read fresh for every order placed: on the backend's own connection, its SQL is built
    // once and found in the statement cache.
    crate::per_backend!(conn, |c| venues::table
        .filter(venues::id.eq(id))
        .first(c)
        .optional())
}

/// Saves `row` over the version it was read at; `false` when someone saved in between.
pub fn save_over(conn: &mut DbConn, row: &VenueRow, read_version: i32) -> QueryResult<bool> {
    let updated = diesel::update(
        venues::table
            .filter(venues::id.eq(&row.id))
            .filter(venues::version.eq(read_version)),
    )
    .set(row)
    .execute(conn)?;
    Ok(updated == 1)
}

/// Up to `limit` venues after id `after`, by id.
pub fn page(conn: &mut DbConn, after: Option<String>, limit: i64) -> QueryResult<Vec<VenueRow>> {
    let mut query = venues::table
        .order(venues::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(venues::id.gt(after));
    }
    query.load(conn)
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = reservations, treat_none_as_default_value = false)]
pub struct ReservationRow {
    pub order_id: String,
    pub venue_id: String,
    pub fulfillment: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// Who placed the order: they (or staff) may give the place back.
    pub reserved_by: String,
    pub created_at: NaiveDateTime,
    /// The order's make-minutes, counted in its slot.
    pub make_minutes: i32,
}

impl TryFrom<ReservationRow> for Reservation {
    type Error = diesel::result::Error;

    fn try_from(r: ReservationRow) -> QueryResult<Self> {
        let fulfillment: FulfillmentKind =
            stored::name("venues_reservations.fulfillment", &r.fulfillment)?;
        Ok(Reservation {
            order_id: r.order_id,
            venue_id: r.venue_id,
            fulfillment,
            starts_at: r.starts_at.and_utc(),
            ends_at: r.ends_at.and_utc(),
        })
    }
}

pub fn reservation(conn: &mut DbConn, order_id: &str) -> QueryResult<Option<ReservationRow>> {
    reservations::table
        .filter(reservations::order_id.eq(order_id))
        .first(conn)
        .optional()
}

/// Takes one place (and the order's make-minutes) in the reservation's slot and records it,
/// unless the slot has no room for it (`false`; see [`Capacity::fits`]). One conditional
/// UPDATE of the slot's row: concurrent reservations wait for each other's row lock and
/// re-check, so a slot never holds more than its capacity, on either database.
pub fn reserve(conn: &mut DbConn, row: &ReservationRow, capacity: Capacity) -> QueryResult<bool> {
    let slot = (
        slots::venue_id.eq(&row.venue_id),
        slots::fulfillment.eq(&row.fulfillment),
        slots::starts_at.eq(row.starts_at),
        slots::taken.eq(0),
        slots::make_minutes.eq(0),
    );
    crate::insert_or_ignore!(conn, slots::table, slot)?;
    let limit = |cap: Option<u32>| cap.map_or(i32::MAX, |c| i32::try_from(c).unwrap_or(i32::MAX));
    let orders_below = limit(capacity.orders);
    let minutes_at_most = limit(capacity.make_minutes).saturating_sub(row.make_minutes);
    let taken = diesel::update(
        slots::table
            .filter(slots::venue_id.eq(&row.venue_id))
            .filter(slots::fulfillment.eq(&row.fulfillment))
            .filter(slots::starts_at.eq(row.starts_at))
            .filter(slots::taken.lt(orders_below))
            .filter(
                slots::taken
                    .eq(0)
                    .or(slots::make_minutes.le(minutes_at_most)),
            ),
    )
    .set((
        slots::taken.eq(slots::taken + 1),
        slots::make_minutes.eq(slots::make_minutes + row.make_minutes),
    ))
    .execute(conn)?;
    if taken == 0 {
        return Ok(false);
    }
    diesel::insert_into(reservations::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// Gives order `order_id`'s place back; the reservation it held, if any.
pub fn release(conn: &mut DbConn, order_id: &str) -> QueryResult<Option<ReservationRow>> {
    let Some(row) = reservation(conn, order_id)? else {
        return Ok(None);
    };
    diesel::delete(reservations::table.filter(reservations::order_id.eq(order_id)))
        .execute(conn)?;
    diesel::update(
        slots::table
            .filter(slots::venue_id.eq(&row.venue_id))
            .filter(slots::fulfillment.eq(&row.fulfillment))
            .filter(slots::starts_at.eq(row.starts_at))
            .filter(slots::taken.gt(0)),
    )
    .set((
        slots::taken.eq(slots::taken - 1),
        slots::make_minutes.eq(slots::make_minutes - row.make_minutes),
    ))
    .execute(conn)?;
    Ok(Some(row))
}

/// What each slot of `venue_id` and `fulfillment` starting in `[from, until)` holds.
pub fn loads_between(
    conn: &mut DbConn,
    venue_id: &str,
    fulfillment: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, Load)>> {
    let rows: Vec<(NaiveDateTime, i32, i32)> = slots::table
        .filter(slots::venue_id.eq(venue_id))
        .filter(slots::fulfillment.eq(fulfillment))
        .filter(slots::starts_at.ge(from))
        .filter(slots::starts_at.lt(until))
        .select((slots::starts_at, slots::taken, slots::make_minutes))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(start, orders, make_minutes)| {
            let count = |n: i32| u32::try_from(n).unwrap_or(0);
            (
                start,
                Load {
                    orders: count(orders),
                    make_minutes: count(make_minutes),
                },
            )
        })
        .collect())
}
