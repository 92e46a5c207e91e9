//! Venues' storage: its own tables, reached only through these functions.

// The inbox `event_tables!` declares too: venues consume no events yet.
#[allow(dead_code)]
mod schema;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::venues::api::{Venue, VenueMode, VenueState};
use crate::platform::db::{DbConn, stored};
use schema::venues_venues as venues;

pub use schema::Outbox;

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = venues, treat_none_as_null = true)]
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
    venues::table
        .filter(venues::id.eq(id))
        .first(conn)
        .optional()
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
