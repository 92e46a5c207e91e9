//! The kitchen module's implementation of its contract, and its event consumer.

use async_trait::async_trait;
use chrono::Utc;
use serde::Deserialize;

use crate::modules::identity::api::{Call, roles};
use crate::modules::kitchen::api::events as ev;
use crate::modules::kitchen::api::{
    KitchenApi, KitchenError, LineStatus, Ticket, TicketFilter, TicketPage, TicketStatus,
};
use crate::modules::kitchen::domain::tickets::{self, LineMove};
use crate::modules::kitchen::store::{self, LineRow, Outbox, PageQuery, TicketRow};
use crate::platform::db::{Db, DbConn};
use crate::platform::events::{Event, EventHandler, OutboxTable, StoredEvent, Wake, scan};
use crate::platform::ids::new_id;
use crate::platform::pagination;

pub struct KitchenService {
    db: Db,
    wake: Wake,
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
    pub fn new(db: Db, wake: Wake) -> Self {
        Self { db, wake }
    }

    async fn change_line(
        &self,
        ticket_id: &str,
        line_id: &str,
        step: LineMove,
    ) -> Result<Ticket, KitchenError> {
        let (tid, lid) = (ticket_id.to_owned(), line_id.to_owned());
        let ticket = self
            .db
            .write(move |c| change_line_in(c, &tid, &lid, step))
            .await?;
        self.wake.published();
        Ok(ticket)
    }
}

fn change_line_in(
    c: &mut DbConn,
    ticket_id: &str,
    line_id: &str,
    step: LineMove,
) -> Result<Ticket, KitchenError> {
    let ticket = store::find(c, ticket_id)?
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
        store::set_ticket_status(
            c,
            ticket_id,
            &store::ticket_status(status),
            Utc::now().naive_utc(),
        )?;
    }
    let events: Vec<Event> = change
        .events
        .iter()
        .map(|(kind, payload)| Event::new(kind, 1, &ticket.order_id, payload))
        .collect();
    Outbox.append(c, &events)?;
    store::find(c, ticket_id)?.ok_or_else(|| KitchenError::NotFound(ticket_id.to_owned()))
}

#[async_trait]
impl KitchenApi for KitchenService {
    async fn tickets(&self, cook: &Call, filter: TicketFilter) -> Result<TicketPage, KitchenError> {
        may_cook(cook)?;
        let (limit, after) = pagination::parse::<String>(filter.limit, filter.cursor.as_deref())
            .map_err(KitchenError::Validation)?;
        let query = PageQuery {
            order_id: filter.order_id,
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
        self.change_line(ticket_id, line_id, LineMove::Start).await
    }

    async fn finish_line(
        &self,
        cook: &Call,
        ticket_id: &str,
        line_id: &str,
    ) -> Result<Ticket, KitchenError> {
        may_cook(cook)?;
        self.change_line(ticket_id, line_id, LineMove::Finish).await
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
        self.db
            .read(move |c| {
                scan(&Outbox, c, after, 100, |e| match &station {
                    None => true,
                    Some(st) => tickets::concerns(&e.payload, st),
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
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, out| {
                let now = Utc::now().naive_utc();
                if kind == "order.cancelled" {
                    if let Some(row) = store::by_order(c, &order.order_id)?
                        && let Some(ticket) = store::find(c, &row.id)?
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
                    status: store::ticket_status(TicketStatus::Queued),
                    created_at: now,
                    updated_at: now,
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
                if store::insert(c, &ticket, &lines)?
                    && let Some(created) = store::find(c, &ticket.id)?
                {
                    out.publish(ticket_event(ev::TICKET_CREATED, &created, None));
                }
                Ok::<_, KitchenError>(())
            })
            .await?;
        Ok(())
    }
}

/// Only cooks (and staff) see tickets and prepare their lines, whoever calls.
fn may_cook(cook: &Call) -> Result<(), KitchenError> {
    cook.require(roles::COOKS).map_err(KitchenError::Forbidden)
}
