//! The kitchen module's implementation of its contract, and its event consumer.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde::Deserialize;

use crate::modules::identity::api::{Call, roles};
use crate::modules::kitchen::api::events as ev;
use crate::modules::kitchen::api::{
    KitchenApi, KitchenError, KitchenSettings, LineStatus, Ticket, TicketFilter, TicketPage,
    TicketStatus,
};
use crate::modules::kitchen::domain::tickets::{self, LineMove};
use crate::modules::kitchen::store::{self, LineRow, Outbox, PageQuery, TicketRow};
use crate::modules::venues::api::DEFAULT_VENUE;
use crate::platform::clock::Clock;
use crate::platform::db::{Db, DbConn};
use crate::platform::events::{Event, EventHandler, OutboxTable, StoredEvent, Wake, scan};
use crate::platform::ids::new_id;
use crate::platform::pagination;

pub struct KitchenService {
    db: Db,
    wake: Wake,
    settings: KitchenSettings,
    clock: Arc<dyn Clock>,
}

fn ticket_event(kind: &str, ticket: &Ticket, line: Option<(&str, &str)>) -> Event {
    Event::new(
        kind,
        1,
        &ticket.order_id,
        &tickets::announcement(ticket, line),
    )
}

impl KitchenService {
    pub fn new(db: Db, wake: Wake, settings: KitchenSettings, clock: Arc<dyn Clock>) -> Self {
        Self {
            db,
            wake,
            settings,
            clock,
        }
    }

    /// Sends the held tickets whose time has come to the stations, announcing each as
    /// `ticket.created` then; says how many. Replicas may run it together: a ticket goes
    /// out once.
    pub async fn release_due(&self) -> Result<usize, KitchenError> {
        let now = self.clock.now().naive_utc();
        let due = self
            .db
            .read(move |c| store::due_for_release(c, now, 100).map_err(KitchenError::from))
            .await?;
        let mut released = 0;
        for id in due {
            let went = self
                .db
                .write(move |c| {
                    if !store::release(c, &id, now)? {
                        return Ok(false);
                    }
                    if let Some(ticket) = store::find(c, &id)? {
                        Outbox.append(c, &[ticket_event(ev::TICKET_CREATED, &ticket, None)])?;
                    }
                    Ok::<_, KitchenError>(true)
                })
                .await?;
            released += usize::from(went);
        }
        if released > 0 {
            self.wake.published();
        }
        Ok(released)
    }

    /// Releases held tickets every `release_interval_ms`, until the process stops.
    pub async fn release_forever(self: Arc<Self>) {
        let every = std::time::Duration::from_millis(self.settings.release_interval_ms.max(1));
        loop {
            if let Err(e) = self.release_due().await {
                tracing::warn!(error = %e, "cannot release held tickets; will retry");
            }
            actix_web::rt::time::sleep(every).await;
        }
    }

    async fn change_line(
        &self,
        cook: &Call,
        ticket_id: &str,
        line_id: &str,
        step: LineMove,
    ) -> Result<Ticket, KitchenError> {
        let (tid, lid) = (ticket_id.to_owned(), line_id.to_owned());
        let venues = cook.venue_limit().map(<[String]>::to_vec);
        // To the microsecond, as PostgreSQL keeps it: the answer is the ticket as stored.
        let now = self.clock.now().trunc_subsecs(6);
        let ticket = self
            .db
            .write(move |c| change_line_in(c, venues.as_deref(), &tid, &lid, step, now))
            .await?;
        self.wake.published();
        Ok(ticket)
    }
}

/// Moves a line of a ticket at one of `venues` (any venue's when `None`): another venue's
/// ticket is not found, as if it did not exist.
fn change_line_in(
    c: &mut DbConn,
    venues: Option<&[String]>,
    ticket_id: &str,
    line_id: &str,
    step: LineMove,
    now: DateTime<Utc>,
) -> Result<Ticket, KitchenError> {
    let ticket = store::find_to_change(c, ticket_id)?
        .filter(|t| venues.is_none_or(|venues| venues.contains(&t.venue_id)))
        .ok_or_else(|| KitchenError::NotFound(format!("no ticket with id {ticket_id}")))?;
    let change = tickets::move_line(&ticket, line_id, step)?;
    let (from, to) = step.statuses();
    // The rule saw the line as `from`; the update checks it still is, against a racing cook.
    if !store::set_line_status(
        c,
        ticket_id,
        line_id,
        &store::line_status(from),
        &store::line_status(to),
    )? {
        return Err(KitchenError::Conflict(
            "the line changed meanwhile; retry".into(),
        ));
    }
    if let Some(status) = change.ticket_status {
        store::set_ticket_status(c, ticket_id, &store::ticket_status(status), now.naive_utc())?;
    }
    let events: Vec<Event> = change
        .events
        .iter()
        .map(|(kind, payload)| Event::new(kind, 1, &ticket.order_id, payload))
        .collect();
    Outbox.append(c, &events)?;
    // The ticket is locked (or, on SQLite, the writer's alone): as it now stands, without
    // reading it again.
    Ok(change.applied(ticket, line_id, step, now))
}

#[async_trait]
impl KitchenApi for KitchenService {
    async fn tickets(&self, cook: &Call, filter: TicketFilter) -> Result<TicketPage, KitchenError> {
        may_cook(cook)?;
        let (limit, after) = pagination::parse::<String>(filter.limit, filter.cursor.as_deref())
            .map_err(KitchenError::Validation)?;
        let query = PageQuery {
            order_id: filter.order_id,
            venue_ids: venues_seen(cook, filter.venue_id),
            station: filter.station,
            status: filter.status.map(store::ticket_status),
            after,
            limit: limit as i64 + 1,
        };
        let rows = self
            .db
            .read(move |c| store::page(c, query).map_err(KitchenError::from))
            .await?;
        Ok(TicketPage::of(rows, limit, |t| t.id.clone()))
    }

    async fn start_line(
        &self,
        cook: &Call,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError> {
        may_cook(cook)?;
        self.change_line(cook, ticket_id, line_id, LineMove::Start)
            .await
    }

    async fn finish_line(
        &self,
        cook: &Call,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError> {
        may_cook(cook)?;
        self.change_line(cook, ticket_id, line_id, LineMove::Finish)
            .await
    }

    async fn feed_head(&self, cook: &Call) -> Result<i64, KitchenError> {
        may_cook(cook)?;
        self.db
            .read(|c| Outbox.head(c).map_err(KitchenError::from))
            .await
    }

    async fn feed(
        &self,
        cook: &Call,
        station: Option<String>,
        after: i64,
    ) -> Result<(Vec<StoredEvent>, i64), KitchenError> {
        may_cook(cook)?;
        let venues = cook.venue_limit().map(<[String]>::to_vec);
        self.db
            .scan(move |c| {
                scan(&Outbox, c, after, 100, |e| {
                    let at_venue = venues
                        .as_ref()
                        .is_none_or(|v| tickets::at_venues(&e.payload, v, DEFAULT_VENUE));
                    let at_station = station
                        .as_ref()
                        .is_none_or(|st| tickets::concerns(&e.payload, st));
                    at_venue && at_station
                })
                .map_err(KitchenError::from)
            })
            .await
    }
}

/// Kitchen's view of `order.paid` and `order.cancelled`.
#[derive(Deserialize)]
struct OrderEvent {
    order_id: String,
    #[serde(default)]
    lines: Vec<PaidLine>,
    /// A scheduled order's slot.
    #[serde(default)]
    scheduled_for: Option<DateTime<Utc>>,
    /// Minutes the kitchen needs for it.
    #[serde(default)]
    prep_minutes: Option<u32>,
    /// The venue whose kitchen makes it (the default venue's before venues).
    #[serde(default)]
    venue_id: Option<String>,
}

#[derive(Deserialize)]
struct PaidLine {
    line_id: String,
    name: String,
    quantity: u32,
    station: String,
    #[serde(default)]
    options: Vec<String>,
}

#[async_trait]
impl EventHandler for KitchenService {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        let kind = event.event_type.clone();
        if kind != "order.paid" && kind != "order.cancelled" {
            return Ok(());
        }
        let order: OrderEvent = event.payload(&[1])?;
        let lead = TimeDelta::minutes(
            self.settings.scheduled_lead_minutes + i64::from(order.prep_minutes.unwrap_or(0)),
        );
        let now = self.clock.now();
        // Held back until its slot, less its prep time and the kitchen's margin, unless that
        // time has come.
        let release_at = order
            .scheduled_for
            .map(|slot| slot - lead)
            .filter(|release| *release > now);
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, out| {
                let now = now.naive_utc();
                if kind == "order.cancelled" {
                    if let Some(row) = store::by_order(c, &order.order_id)?
                        && let Some(ticket) = store::find_to_change(c, &row.id)?
                        && tickets::cancellable(ticket.status)
                    {
                        store::set_ticket_status(
                            c,
                            &ticket.id,
                            &store::ticket_status(TicketStatus::Cancelled),
                            now,
                        )?;
                        out.publish(ticket_event(ev::TICKET_CANCELLED, &ticket, None));
                    }
                    return Ok(());
                }
                let ticket = TicketRow {
                    id: new_id("tkt"),
                    order_id: order.order_id.clone(),
                    status: store::ticket_status(match release_at {
                        Some(_) => TicketStatus::Scheduled,
                        None => TicketStatus::Queued,
                    }),
                    created_at: now,
                    updated_at: now,
                    release_at: release_at.map(|r| r.naive_utc()),
                    venue_id: order
                        .venue_id
                        .clone()
                        .unwrap_or_else(|| DEFAULT_VENUE.to_owned()),
                };
                let lines: Vec<LineRow> = order
                    .lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| LineRow {
                        id: l.line_id.clone(),
                        ticket_id: ticket.id.clone(),
                        position: i as i32,
                        station: l.station.clone(),
                        name: l.name.clone(),
                        quantity: l.quantity as i32,
                        options: serde_json::to_string(&l.options).unwrap_or_else(|_| "[]".into()),
                        status: store::line_status(LineStatus::Queued),
                    })
                    .collect();
                // A held ticket is announced when it is released; a new one is announced
                // from what was written, with no read after the write.
                if store::insert(c, &ticket, &lines)? && release_at.is_none() {
                    let created = store::assemble(ticket, lines)?;
                    out.publish(ticket_event(ev::TICKET_CREATED, &created, None));
                }
                Ok::<_, KitchenError>(())
            })
            .await?;
        Ok(())
    }
}

/// The venues whose tickets `cook` sees, narrowed to `asked`: a venue outside the cook's
/// venues shows nothing.
fn venues_seen(cook: &Call, asked: Option<String>) -> Option<Vec<String>> {
    match (cook.venue_limit(), asked) {
        (None, asked) => asked.map(|v| vec![v]),
        (Some(mine), None) => Some(mine.to_vec()),
        (Some(mine), Some(asked)) => Some(mine.iter().filter(|v| **v == asked).cloned().collect()),
    }
}

/// Only cooks (and staff) see tickets and prepare their lines, whoever calls.
fn may_cook(cook: &Call) -> Result<(), KitchenError> {
    cook.require(roles::COOKS).map_err(KitchenError::Forbidden)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{DateTime, TimeDelta, Utc};

    use super::KitchenService;
    use crate::modules::kitchen::api::KitchenSettings;
    use crate::modules::kitchen::store::{self, Outbox};
    use crate::platform::clock::ManualClock;
    use crate::platform::config::{DatabaseSettings, PLATFORM_DEFAULTS};
    use crate::platform::db::{Db, DbError};
    use crate::platform::events::{Event, EventHandler, OutboxTable, Wake};

    #[derive(serde::Deserialize)]
    struct Platform {
        database: DatabaseSettings,
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn paid(order_id: &str, scheduled_for: Option<&str>) -> Event {
        let mut payload = serde_json::json!({"order_id": order_id, "lines": [{"line_id":
            format!("lin_{order_id}"), "name": "Flat white", "quantity": 1, "station": "bar",
            "options": []}]});
        if let Some(at) = scheduled_for {
            payload["scheduled_for"] = serde_json::json!(at);
            payload["prep_minutes"] = serde_json::json!(15);
        }
        Event::new("order.paid", 1, order_id, &payload)
    }

    /// A scheduled order's ticket stays off the stations until its slot less its prep time and
    /// the lead, then
    /// goes out once, announced as `ticket.created` at that moment.
    #[actix_web::test]
    async fn a_scheduled_ticket_waits_for_its_release_time_then_reaches_the_stations_once() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("kitchen.db").display());
        let env = [("DATABASE_URL".to_owned(), url)];
        let platform: Platform =
            crate::platform::config::load(PLATFORM_DEFAULTS, None, env).unwrap();
        let db = Db::connect(&platform.database).unwrap();
        let clock = Arc::new(ManualClock::at(utc("2026-06-10T08:00:00Z")));
        let settings = KitchenSettings {
            scheduled_lead_minutes: 5,
            release_interval_ms: 1000,
        };
        let kitchen = KitchenService::new(db.clone(), Wake::default(), settings, clock.clone());
        let status = |order: &'static str| {
            let db = db.clone();
            async move {
                db.read(move |c| Ok::<_, DbError>(store::by_order(c, order)?.unwrap()))
                    .await
                    .unwrap()
            }
        };
        let announced = || {
            let db = db.clone();
            async move {
                db.read(|c| Ok::<_, DbError>(Outbox.after(c, 0, 10)?.events))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|e| e.event.aggregate_id)
                    .collect::<Vec<_>>()
            }
        };

        // For 09:00, 15 minutes to make and 5 to spare: released at 08:40. For 08:10: its time
        // has come already.
        kitchen
            .handle(&paid("ord_late", Some("2026-06-10T09:00:00Z")))
            .await
            .unwrap();
        kitchen
            .handle(&paid("ord_soon", Some("2026-06-10T08:10:00Z")))
            .await
            .unwrap();
        let late = status("ord_late").await;
        assert_eq!(late.status, "scheduled");
        assert_eq!(
            late.release_at,
            Some(utc("2026-06-10T08:40:00Z").naive_utc())
        );
        assert_eq!(status("ord_soon").await.status, "queued");
        assert_eq!(announced().await, ["ord_soon"]);

        assert_eq!(kitchen.release_due().await.unwrap(), 0);
        clock.advance(TimeDelta::minutes(40));
        assert_eq!(kitchen.release_due().await.unwrap(), 1);
        assert_eq!(status("ord_late").await.status, "queued");
        assert_eq!(announced().await, ["ord_soon", "ord_late"]);
        assert_eq!(kitchen.release_due().await.unwrap(), 0, "released once");
    }
}
