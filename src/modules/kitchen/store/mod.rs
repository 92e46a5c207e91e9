//! Kitchen's storage: its own tables, reached only through these functions.

mod schema;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::kitchen::api::{LineStatus, Ticket, TicketLine, TicketStatus};
use crate::platform::db::{DbConn, one_of, stored};
use schema::{kitchen_lines as lines, kitchen_tickets as tickets};

pub use schema::{Outbox, TABLES};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
pub struct TicketRow {
    pub id: String,
    pub order_id: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// A scheduled order's ticket reaches the stations then.
    pub release_at: Option<NaiveDateTime>,
    /// The venue whose kitchen makes it.
    pub venue_id: String,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = lines, treat_none_as_default_value = false)]
pub struct LineRow {
    pub id: String,
    pub ticket_id: String,
    pub position: i32,
    pub station: String,
    pub name: String,
    pub quantity: i32,
    pub options: String,
    pub status: String,
}

pub fn ticket_status(s: TicketStatus) -> String {
    <&str>::from(s).to_owned()
}

pub fn line_status(s: LineStatus) -> String {
    <&str>::from(s).to_owned()
}

/// A ticket as stored, from its rows (lines in position order).
pub fn assemble(t: TicketRow, ls: Vec<LineRow>) -> QueryResult<Ticket> {
    let lines = ls
        .into_iter()
        .map(|l| {
            Ok(TicketLine {
                status: stored::name("kitchen_lines.status", &l.status)?,
                options: stored::json("kitchen_lines.options", &l.options)?,
                id: l.id,
                station: l.station,
                name: l.name,
                quantity: l.quantity.max(0) as u32,
            })
        })
        .collect::<QueryResult<_>>()?;
    Ok(Ticket {
        status: stored::name("kitchen_tickets.status", &t.status)?,
        lines,
        id: t.id,
        order_id: t.order_id,
        venue_id: t.venue_id,
        release_at: t.release_at.map(|r| r.and_utc()),
        created_at: t.created_at.and_utc(),
        updated_at: t.updated_at.and_utc(),
    })
}

/// `false` when the order already has a ticket.
pub fn insert(
    conn: &mut DbConn,
    ticket: &TicketRow,
    ticket_lines: &[LineRow],
) -> QueryResult<bool> {
    // The order's ticket may exist already (`order_id` is unique): then nothing is added.
    if crate::insert_or_ignore!(conn, tickets::table, ticket)? == 0 {
        return Ok(false);
    }
    insert_lines(conn, ticket_lines)?;
    Ok(true)
}

/// A ticket's lines, by one statement on PostgreSQL however many there are.
fn insert_lines(conn: &mut DbConn, ticket_lines: &[LineRow]) -> QueryResult<()> {
    crate::insert_all!(conn, lines::table, ticket_lines)
}

/// Ticket `id` with its lines, read by one statement (on PostgreSQL each is a round trip).
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Ticket>> {
    let joined: Vec<Joined> = crate::per_backend!(conn, |c| tickets::table
        .left_join(lines::table.on(lines::ticket_id.eq(tickets::id)))
        .filter(tickets::id.eq(id))
        .select((tickets::all_columns, lines::all_columns.nullable()))
        .load(c))?;
    Ok(gathered(joined)?.pop())
}

/// Ticket `id` with its lines, to change in this transaction: on PostgreSQL, whose
/// transactions run side by side, the ticket's row and its lines are locked until it ends, so
/// that two stations finishing its last two lines at once each see the other's (one of them
/// then makes it ready), and a cancellation waits for a cook's move or follows it. SQLite's
/// single writer runs transactions one after another. A ticket always has a line (an order
/// has one at least), so the lock's join needs no outer side, which PostgreSQL cannot lock.
pub fn find_to_change(conn: &mut DbConn, id: &str) -> QueryResult<Option<Ticket>> {
    let DbConn::Postgres(c) = conn else {
        return find(conn, id);
    };
    let joined: Vec<(TicketRow, LineRow)> = tickets::table
        .inner_join(lines::table.on(lines::ticket_id.eq(tickets::id)))
        .filter(tickets::id.eq(id))
        .select((tickets::all_columns, lines::all_columns))
        .for_no_key_update()
        .load(c)?;
    let joined = joined
        .into_iter()
        .map(|(ticket, line)| (ticket, Some(line)));
    Ok(gathered(joined.collect())?.pop())
}

/// A ticket's row joined with one of its lines.
type Joined = (TicketRow, Option<LineRow>);

/// The tickets in `joined` in their ids' order, each with its lines in position order.
fn gathered(joined: Vec<Joined>) -> QueryResult<Vec<Ticket>> {
    let mut by_id: BTreeMap<String, (TicketRow, BTreeMap<i32, LineRow>)> = BTreeMap::new();
    for (ticket, line) in joined {
        let (_, ticket_lines) = by_id
            .entry(ticket.id.clone())
            .or_insert_with(|| (ticket, BTreeMap::new()));
        if let Some(line) = line {
            ticket_lines.insert(line.position, line);
        }
    }
    by_id
        .into_values()
        .map(|(ticket, ticket_lines)| assemble(ticket, ticket_lines.into_values().collect()))
        .collect()
}

pub fn by_order(conn: &mut DbConn, order_id: &str) -> QueryResult<Option<TicketRow>> {
    tickets::table
        .filter(tickets::order_id.eq(order_id))
        .first(conn)
        .optional()
}

pub struct PageQuery {
    pub order_id: Option<String>,
    /// Only these venues' tickets; `None`: every venue's.
    pub venue_ids: Option<Vec<String>>,
    pub station: Option<String>,
    pub status: Option<String>,
    pub after: Option<String>,
    pub limit: i64,
}

/// `$query`, a boxed query of tickets on either backend, narrowed to the tickets `$q` (a
/// [`PageQuery`]) asks for.
macro_rules! narrowed {
    ($query:expr, $q:expr) => {{
        let mut query = $query;
        if let Some(o) = &$q.order_id {
            query = query.filter(tickets::order_id.eq(o));
        }
        if let Some(venues) = &$q.venue_ids {
            query = query.filter(one_of(tickets::venue_id, venues));
        }
        match (&$q.status, &$q.station) {
            (Some(s), _) => query = query.filter(tickets::status.eq(s)),
            // A station's feed holds what it can work on: held tickets reach it when released.
            (None, Some(_)) => {
                query = query.filter(tickets::status.ne(ticket_status(TicketStatus::Scheduled)))
            }
            (None, None) => {}
        }
        if let Some(a) = &$q.after {
            query = query.filter(tickets::id.gt(a));
        }
        if let Some(st) = &$q.station {
            // Correlated, so only the tickets the other filters keep are looked into: `IN
            // (SELECT …)` would read every line the station ever had.
            query = query.filter(diesel::dsl::exists(
                lines::table
                    .filter(lines::ticket_id.eq(tickets::id))
                    .filter(lines::station.eq(st)),
            ));
        }
        query
    }};
}

pub fn page(conn: &mut DbConn, q: PageQuery) -> QueryResult<Vec<Ticket>> {
    if let DbConn::Postgres(pg) = conn {
        return page_by_one_statement(pg, &q);
    }
    let rows: Vec<TicketRow> = narrowed!(
        tickets::table
            .order(tickets::id.asc())
            .limit(q.limit)
            .into_boxed(),
        q
    )
    .load(conn)?;
    // Every ticket's lines in one query, not one per ticket.
    let ids: Vec<&String> = rows.iter().map(|t| &t.id).collect();
    let mut lq = lines::table
        .filter(one_of(lines::ticket_id, ids))
        .order((lines::ticket_id.asc(), lines::position.asc()))
        .into_boxed();
    if let Some(st) = &q.station {
        lq = lq.filter(lines::station.eq(st.clone()));
    }
    let mut by_ticket: HashMap<String, Vec<LineRow>> = HashMap::new();
    for l in lq.load::<LineRow>(conn)? {
        by_ticket.entry(l.ticket_id.clone()).or_default().push(l);
    }
    rows.into_iter()
        .map(|t| {
            let ls = by_ticket.remove(&t.id).unwrap_or_default();
            assemble(t, ls)
        })
        .collect()
}

/// PostgreSQL's page: the tickets `q` asks for with their lines, by one statement where two
/// made two round trips. A subquery picks the page's tickets; each row joins one of them with
/// one of its lines, as [`find`] does. A station's feed keeps that station's lines.
fn page_by_one_statement(c: &mut diesel::PgConnection, q: &PageQuery) -> QueryResult<Vec<Ticket>> {
    let joined: Vec<Joined> = tickets::table
        .left_join(lines::table.on(lines::ticket_id.eq(tickets::id)))
        .filter(tickets::id.eq_any(narrowed!(
            tickets::table
                .select(tickets::id)
                .order(tickets::id.asc())
                .limit(q.limit)
                .into_boxed::<diesel::pg::Pg>(),
            q
        )))
        .select((tickets::all_columns, lines::all_columns.nullable()))
        .load(c)?;
    let joined = joined.into_iter().map(|(ticket, line)| {
        let line = line.filter(|l| q.station.as_ref().is_none_or(|st| &l.station == st));
        (ticket, line)
    });
    gathered(joined.collect())
}

pub fn set_line_status(
    conn: &mut DbConn,
    ticket_id: &str,
    line_id: &str,
    from: &str,
    to: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        lines::table
            .filter(lines::ticket_id.eq(ticket_id))
            .filter(lines::id.eq(line_id))
            .filter(lines::status.eq(from)),
    )
    .set(lines::status.eq(to))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_ticket_status(
    conn: &mut DbConn,
    id: &str,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(tickets::table.filter(tickets::id.eq(id)))
        .set((tickets::status.eq(to), tickets::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Up to `limit` held tickets whose release time has come, earliest first.
pub fn due_for_release(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    tickets::table
        .filter(tickets::status.eq(ticket_status(TicketStatus::Scheduled)))
        .filter(tickets::release_at.le(now))
        .order(tickets::release_at.asc())
        .select(tickets::id)
        .limit(limit)
        .load(conn)
}

/// Sends a held ticket to the stations; `false` when it was not held (any more): another
/// replica released it, or it was cancelled.
pub fn release(conn: &mut DbConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let released = diesel::update(
        tickets::table
            .filter(tickets::id.eq(id))
            .filter(tickets::status.eq(ticket_status(TicketStatus::Scheduled))),
    )
    .set((
        tickets::status.eq(ticket_status(TicketStatus::Queued)),
        tickets::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(released == 1)
}
