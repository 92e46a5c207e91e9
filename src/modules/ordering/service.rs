//! The ordering module's implementation of its contract, and its event consumer.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use serde::Deserialize;

use crate::modules::catalog::api::{CatalogApi, CatalogError};
use crate::modules::identity::api::Call;
use crate::modules::identity::api::roles::ORDER_STAFF;
use crate::modules::ordering::api::OrderingSettings;
use crate::modules::ordering::api::events::{self as ev, KitchenLine};
use crate::modules::ordering::api::{
    Fulfillment, NewOrder, NewOrderLine, Order, OrderFilter, OrderPage, OrderPayment,
    OrderPaymentStatus, OrderStatus, OrderingApi, OrderingError, PayableOrder, Quote, QuoteRequest,
};
use crate::modules::ordering::domain::{admission, pricing, promise, status};
use crate::modules::ordering::store::{self, LineRow, OrderRow, Outbox, PageQuery};
use crate::modules::venues::api::{
    DEFAULT_VENUE, FulfillmentKind, Opening, Reservation, SlotRequest, VenuesApi, VenuesError,
};
use crate::platform::by_keys::ByKeys;
use crate::platform::db::{Db, DbConn, is_unique_violation};
use crate::platform::events::{
    Event, EventHandler, OutboxTable, Outgoing, StoredEvent, Wake, scan,
};
use crate::platform::fresh::FreshByKey;
use crate::platform::ids::new_id;
use crate::platform::pagination;
use crate::platform::validation::FieldError;

/// A basket priced from the catalog as it stands.
struct Basket {
    priced: pricing::Priced,
    delivery_fee: i64,
    tax: i64,
    total: i64,
}

/// What placing wrote: the order placed before with the same key, or the new one.
enum Written {
    Already(String),
    New(Box<OrderRow>),
}

fn fulfillment_kind(fulfillment: &Fulfillment) -> FulfillmentKind {
    if fulfillment.is_delivery() {
        FulfillmentKind::Delivery
    } else {
        FulfillmentKind::Pickup
    }
}

/// The slot an order of `work` asks for at `at`.
fn slot_request(
    venue_id: &str,
    fulfillment: &Fulfillment,
    at: DateTime<Utc>,
    work: promise::Work,
) -> SlotRequest {
    SlotRequest {
        venue_id: venue_id.to_owned(),
        fulfillment: fulfillment_kind(fulfillment),
        at,
        make_minutes: work.make_minutes,
    }
}

pub struct OrderingService {
    db: Db,
    catalog: Arc<dyn CatalogApi>,
    venues: Arc<dyn VenuesApi>,
    settings: OrderingSettings,
    wake: Wake,
    /// What each venue's kitchen has in hand, read fresh for each order or quote, and shared
    /// by those asking together (summing it costs a row per order in progress).
    backlogs: FreshByKey<promise::Backlog>,
    /// Orders by id, concurrent readers sharing statements.
    orders: Arc<ByKeys<String, Order>>,
    /// Customers' latest orders by customer and number (the first page of their list, their
    /// keys' too), concurrent readers sharing statements.
    latest: Arc<ByKeys<store::Latest, Vec<Order>>>,
}

impl OrderingService {
    pub fn new(
        db: Db,
        catalog: Arc<dyn CatalogApi>,
        venues: Arc<dyn VenuesApi>,
        settings: OrderingSettings,
        wake: Wake,
    ) -> Self {
        let backlogs = FreshByKey::from_db(db.clone(), |c, venue_id| {
            let horizon = promise::horizon(Utc::now()).naive_utc();
            store::backlog(c, venue_id, horizon).map_err(OrderingError::from)
        });
        Self {
            latest: ByKeys::from_db(
                db.clone(),
                |c, (customer, n): &store::Latest| store::latest_of(c, customer, *n).map(Some),
                store::latest_of_each,
            ),
            orders: ByKeys::from_db(
                db.clone(),
                |c, id: &String| store::find(c, id),
                store::find_many,
            ),
            db,
            catalog,
            venues,
            settings,
            wake,
            backlogs,
        }
    }

    /// Refuses an order the venue cannot take now: outside its hours, paused, or too busy
    /// for orders as soon as possible. Answers the venue's opening, for the quote.
    async fn admit(&self, venue_id: &str, when: admission::When) -> Result<Opening, OrderingError> {
        let opening = match self.venues.opening(venue_id, None).await {
            Ok(opening) => opening,
            Err(VenuesError::NotFound(_)) => {
                return Err(OrderingError::VenueNotFound(venue_id.to_owned()));
            }
            Err(e) => return Err(venue_failure(e)),
        };
        let venue_id = venue_id.to_owned();
        match admission::refusal(&opening, when) {
            None => Ok(opening),
            Some(admission::Refusal::Closed { opens_at }) => {
                Err(OrderingError::VenueClosed { venue_id, opens_at })
            }
            Some(admission::Refusal::Paused) => Err(OrderingError::VenuePaused { venue_id }),
            Some(admission::Refusal::Busy) => Err(OrderingError::VenueBusy { venue_id }),
        }
    }

    /// Prices `lines` from the catalog as they stand, with tax and delivery fee, for an
    /// order wanted at `at` (now when `None`): an item sold out until before then will do.
    async fn price_basket(
        &self,
        lines: &[NewOrderLine],
        fulfillment: &Fulfillment,
        venue_id: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Basket, OrderingError> {
        let mut errors = address_errors(fulfillment);
        let ids: Vec<String> = {
            let mut ids: Vec<String> = lines.iter().map(|l| l.item_id.clone()).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let at = at.unwrap_or_else(Utc::now);
        let items: HashMap<_, _> = self
            .catalog
            .items_by_ids(&ids, venue_id, at)
            .await
            .map_err(catalog_failure)?
            .into_iter()
            .map(|i| (i.id.clone(), i))
            .collect();
        let limits = pricing::Limits {
            max_lines: self.settings.max_lines,
            max_quantity: self.settings.max_quantity,
        };
        let priced = match pricing::price(lines, &items, &limits) {
            Ok(p) if errors.is_empty() => p,
            Err(pricing::Unpriceable::Invalid(mut e)) => {
                errors.append(&mut e);
                return Err(OrderingError::Validation(errors));
            }
            _ if !errors.is_empty() => return Err(OrderingError::Validation(errors)),
            Ok(p) => p,
            Err(pricing::Unpriceable::Unavailable {
                code,
                lines,
                available_at,
            }) => {
                let message = lines
                    .iter()
                    .map(|l| format!("{}: {}", l.field, l.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(OrderingError::LinesUnavailable {
                    code,
                    message,
                    lines,
                    available_at,
                });
            }
        };
        let delivery_fee = if fulfillment.is_delivery() {
            self.settings.delivery_fee
        } else {
            0
        };
        let (tax, total) =
            pricing::totals(priced.subtotal, self.settings.tax_rate_bps, delivery_fee);
        Ok(Basket {
            priced,
            delivery_fee,
            tax,
            total,
        })
    }

    /// The venue's orders in the kitchen's hands now.
    async fn backlog(&self, venue_id: &str) -> Result<promise::Backlog, OrderingError> {
        self.backlogs
            .get(venue_id)
            .await
            .map_err(OrderingError::Internal)
    }

    /// Holds the order's place in the venue's slot at `at`.
    async fn reserve(
        &self,
        customer: &Call,
        order_id: &str,
        slot: SlotRequest,
    ) -> Result<Reservation, OrderingError> {
        self.venues
            .reserve(customer, order_id, slot)
            .await
            .map_err(venue_failure)
    }

    /// Gives back a place the order will not use (its write failed, or it had been placed
    /// already); a failure only leaves the slot one place short, so it is logged.
    async fn unreserve(&self, customer: &Call, order_id: &str) {
        if let Err(e) = self.venues.release(customer, order_id).await {
            tracing::warn!(order_id, error = %e, "cannot give a slot place back");
        }
    }

    async fn load(&self, id: &str) -> Result<Order, OrderingError> {
        self.orders
            .get(id)
            .await
            .map_err(OrderingError::Internal)?
            .ok_or_else(|| OrderingError::NotFound(id.to_owned()))
    }

    /// Loads an order the caller may see: their own, or any at their venues for staff.
    async fn visible(&self, caller: &Call, id: &str) -> Result<Order, OrderingError> {
        let order = self.load(id).await?;
        if may_see(caller, &order.customer_id, &order.venue_id) {
            Ok(order)
        } else {
            Err(OrderingError::NotFound(id.to_owned()))
        }
    }

    /// Applies one transition in its own transaction, with the events it implies.
    async fn transition(
        &self,
        order: Order,
        to: OrderStatus,
        extra: Vec<Event>,
    ) -> Result<Order, OrderingError> {
        let id = order.id.clone();
        self.db
            .write(move |c| {
                let changed = move_order(c, &order, to)?;
                let events: Vec<Event> = std::iter::once(changed).chain(extra).collect();
                Outbox.append(c, &events)?;
                Ok::<_, OrderingError>(())
            })
            .await?;
        self.wake.published();
        self.load(&id).await
    }
}

/// Whether `caller` may see an order: it is theirs, or they are staff at its venue.
fn may_see(caller: &Call, customer_id: &str, venue_id: &str) -> bool {
    customer_id == caller.user_id || staff_at(caller, venue_id)
}

/// Whether `caller` is staff at venue `venue_id`.
fn staff_at(caller: &Call, venue_id: &str) -> bool {
    caller.has_any(ORDER_STAFF) && caller.works_at(venue_id)
}

/// Moves `order` to `to` (already checked against the state machine), answering the
/// `order.status_changed` to publish. Fails with a conflict if someone else moved it first.
fn move_order(c: &mut DbConn, order: &Order, to: OrderStatus) -> Result<Event, OrderingError> {
    try_move_order(c, order, to)?.ok_or_else(|| {
        OrderingError::Conflict("the order changed meanwhile; read it again and retry".into())
    })
}

/// Moves `order` from the status it was read in to `to`, answering the
/// `order.status_changed` to publish with the transaction's other events (one statement for
/// all of them on PostgreSQL); `None` (nothing written) when its status moved since it was
/// read.
fn try_move_order(
    c: &mut DbConn,
    order: &Order,
    to: OrderStatus,
) -> Result<Option<Event>, OrderingError> {
    let moved = store::set_status(
        c,
        &order.id,
        &store::status_name(order.status),
        &store::status_name(to),
        Utc::now().naive_utc(),
    )?;
    if !moved {
        return Ok(None);
    }
    if let Some(entering) = status::kitchen_change(order.status, to)
        && order.scheduled_for.is_none()
    {
        store::count_in_kitchen(c, &order.id, &order.venue_id, entering)?;
    }
    let changed = ev::OrderStatusChanged {
        order_id: order.id.clone(),
        status: to,
    };
    Ok(Some(Event::new(
        ev::ORDER_STATUS_CHANGED,
        1,
        &order.id,
        &changed,
    )))
}

fn address_errors(fulfillment: &Fulfillment) -> Vec<FieldError> {
    let Fulfillment::Delivery { address } = fulfillment else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    let mut need = |field: &str, value: &str, max: usize| {
        let v = value.trim();
        if v.is_empty() || v.chars().count() > max {
            errors.push(FieldError::new(
                format!("fulfillment.address.{field}"),
                "invalid",
                format!("must be 1 to {max} characters"),
            ));
        }
    };
    need("line1", &address.line1, 200);
    need("city", &address.city, 100);
    need("postal_code", &address.postal_code, 20);
    if !(address.country.len() == 2 && address.country.bytes().all(|b| b.is_ascii_uppercase())) {
        errors.push(FieldError::new(
            "fulfillment.address.country",
            "invalid",
            "must be an ISO 3166-1 alpha-2 code such as FR",
        ));
    }
    errors
}

#[async_trait]
impl OrderingApi for OrderingService {
    async fn place(
        &self,
        customer: &Call,
        input: NewOrder,
        request_key: Option<String>,
    ) -> Result<Order, OrderingError> {
        let venue_id = input
            .venue_id
            .clone()
            .unwrap_or_else(|| DEFAULT_VENUE.to_owned());
        let when = match input.scheduled_for {
            Some(_) => admission::When::Scheduled,
            None => admission::When::Asap,
        };
        // Admission, prices and (for as soon as possible) the kitchen's backlog are
        // independent reads: they run together, and their refusals keep this order.
        let backlog = async {
            match input.scheduled_for {
                None => self.backlog(&venue_id).await.map(Some),
                Some(_) => Ok(None),
            }
        };
        let (opening, basket, ahead) = futures_util::join!(
            self.admit(&venue_id, when),
            self.price_basket(
                &input.lines,
                &input.fulfillment,
                &venue_id,
                input.scheduled_for,
            ),
            backlog
        );
        let opening = opening.map_err(|e| match e {
            // Named in the body, so a field of it.
            OrderingError::VenueNotFound(id) => OrderingError::Validation(vec![FieldError::new(
                "venue_id",
                "unknown",
                format!("no venue with id {id}"),
            )]),
            other => other,
        })?;
        let basket = basket?;
        let ahead = ahead?;
        let order_id = new_id("ord");
        let reservation = match input.scheduled_for {
            Some(at) => {
                let slot = slot_request(&venue_id, &input.fulfillment, at, basket.priced.work);
                Some(self.reserve(customer, &order_id, slot).await?)
            }
            None => None,
        };
        let Basket {
            priced,
            delivery_fee,
            tax,
            total,
        } = basket;
        // Microseconds, as both databases keep them: the answer is built from this row.
        let now = Utc::now().trunc_subsecs(6);
        let prep_minutes = promise::prep_minutes(priced.work, opening.scheduling.makers);
        let slot = reservation.as_ref().map(|r| r.starts_at);
        // For as soon as possible: behind what the kitchen had in hand as the order was
        // priced (read off the single writer; an estimate needs no more).
        let promised = match (slot, ahead) {
            (Some(at), _) => Some(at),
            (None, None) => None,
            (None, Some(ahead)) => {
                if promise::kitchen_full(&opening, ahead) {
                    return Err(OrderingError::KitchenFull {
                        venue_id,
                        in_progress: ahead.asap,
                    });
                }
                let load = promise::load(&opening, ahead);
                Some(promise::quote(priced.work, load).promised_at(now))
            }
        };
        let row = OrderRow {
            id: order_id.clone(),
            customer_id: customer.user_id.clone(),
            status: store::status_name(OrderStatus::Placed),
            fulfillment: serde_json::to_string(&input.fulfillment)
                .map_err(|e| OrderingError::Internal(e.to_string()))?,
            note: input.note.trim().to_owned(),
            subtotal: priced.subtotal,
            tax,
            delivery_fee,
            total,
            currency: priced.currency,
            tracking_code: None,
            request_key,
            venue_id,
            scheduled_for: slot.map(|at| at.naive_utc()),
            make_minutes: priced.work.make_minutes as i32,
            prep_minutes: prep_minutes as i32,
            promised_at: promised.map(|at| at.naive_utc()),
            eta: promised.map(|at| at.naive_utc()),
            version: 1,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        };
        let lines: Vec<LineRow> = priced
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| LineRow::new(&row.id, i, l))
            .collect();
        let placed = ev::OrderPlaced {
            order_id: row.id.clone(),
            customer_id: row.customer_id.clone(),
            total,
            currency: row.currency.clone(),
        };
        let event = Event::new(ev::ORDER_PLACED, 1, &row.id, &placed);
        let cap = self.settings.max_open_unpaid;
        let written_lines = lines.clone();
        let outcome = self
            .db
            .write(move |c| {
                // Within a day: the gateway answers repeats itself for longer, so only a
                // retry after a crash, minutes later, ever gets here.
                let since = row.created_at - chrono::TimeDelta::hours(24);
                if let Some(key) = &row.request_key {
                    if let Some(existing) =
                        store::id_by_request_key(c, &row.customer_id, key, since)?
                    {
                        return Ok(Written::Already(existing));
                    }
                    store::forget_request_key(c, &row.customer_id, key, since)?;
                }
                let unpaid = store::count_unpaid(c, &row.customer_id)?;
                if unpaid >= cap {
                    return Err(OrderingError::Conflict(format!(
                        "you already have {unpaid} unpaid orders; pay or cancel one first"
                    )));
                }
                if row.scheduled_for.is_none()
                    && let Some(max) = opening.scheduling.max_asap_in_progress
                {
                    // Counted in the transaction that writes the order, so racing orders
                    // never exceed the cap; the count stops at the cap.
                    let asap = store::asap_in_progress(c, &row.venue_id, max)?;
                    if asap >= max {
                        return Err(OrderingError::KitchenFull {
                            venue_id: row.venue_id.clone(),
                            in_progress: asap,
                        });
                    }
                }
                store::insert(c, &row, &lines).map_err(|e| {
                    if is_unique_violation(&e) {
                        OrderingError::Conflict(
                            "an order with this Idempotency-Key is being placed; retry".into(),
                        )
                    } else {
                        e.into()
                    }
                })?;
                Outbox.append(c, &[event])?;
                Ok(Written::New(Box::new(row)))
            })
            .await;
        if reservation.is_some() && !matches!(outcome, Ok(Written::New(_))) {
            self.unreserve(customer, &order_id).await;
        }
        match outcome? {
            Written::Already(id) => self.load(&id).await,
            // The new order is answered from what was written: no read after the write.
            Written::New(row) => {
                self.wake.published();
                Ok(store::assemble(*row, written_lines, Vec::new())?)
            }
        }
    }

    async fn list(&self, caller: &Call, filter: OrderFilter) -> Result<OrderPage, OrderingError> {
        let (limit, before) = pagination::parse::<String>(filter.limit, filter.cursor.as_deref())
            .map_err(OrderingError::Validation)?;
        let staff = caller.has_any(ORDER_STAFF);
        let customer_id = if staff {
            filter.customer_id
        } else {
            Some(caller.user_id.clone())
        };
        let query = PageQuery {
            customer_id,
            // Staff limited to venues see those venues' orders.
            venue_ids: caller
                .venue_limit()
                .filter(|_| staff)
                .map(<[String]>::to_vec),
            status: filter.status.map(store::status_name),
            before,
            limit: limit as i64 + 1,
        };
        let rows = match (
            &query.customer_id,
            &query.venue_ids,
            &query.status,
            &query.before,
        ) {
            (Some(customer), None, None, None) => self
                .latest
                .get(&(customer.clone(), query.limit))
                .await
                .map_err(OrderingError::Internal)?
                .unwrap_or_default(),
            _ => {
                self.db
                    .read(move |c| store::page(c, query).map_err(OrderingError::from))
                    .await?
            }
        };
        Ok(OrderPage::of(rows, limit, |o| o.id.clone()))
    }

    async fn get(&self, caller: &Call, id: &str) -> Result<Order, OrderingError> {
        self.visible(caller, id).await
    }

    async fn cancel(&self, caller: &Call, id: &str) -> Result<Order, OrderingError> {
        let order = self.visible(caller, id).await?;
        status::cancel(order.status, staff_at(caller, &order.venue_id))?;
        let cancelled = ev::OrderCancelled {
            order_id: order.id.clone(),
            refund_due: status::was_paid(order.status),
        };
        let event = Event::new(ev::ORDER_CANCELLED, 1, &order.id, &cancelled);
        self.transition(order, OrderStatus::Cancelled, vec![event])
            .await
    }

    async fn hand_over(&self, caller: &Call, id: &str) -> Result<Order, OrderingError> {
        if !caller.has_any(ORDER_STAFF) {
            return Err(OrderingError::Forbidden(
                "hand orders over (staff only)".into(),
            ));
        }
        let order = self.load(id).await?;
        if !caller.works_at(&order.venue_id) {
            return Err(OrderingError::NotFound(id.to_owned()));
        }
        status::advance(
            order.status,
            OrderStatus::PickedUp,
            order.fulfillment.is_delivery(),
        )?;
        self.transition(order, OrderStatus::PickedUp, vec![]).await
    }

    async fn feed_head(&self) -> Result<i64, OrderingError> {
        self.db
            .read(|c| Outbox.head(c).map_err(OrderingError::from))
            .await
    }

    async fn quote(
        &self,
        _customer: &Call,
        venue_id: &str,
        basket: QuoteRequest,
    ) -> Result<Quote, OrderingError> {
        let when = match basket.scheduled_for {
            Some(_) => admission::When::Scheduled,
            None => admission::When::Asap,
        };
        let opening = self.admit(venue_id, when).await?;
        let Basket {
            priced,
            delivery_fee,
            tax,
            total,
        } = self
            .price_basket(
                &basket.lines,
                &basket.fulfillment,
                venue_id,
                basket.scheduled_for,
            )
            .await?;
        let prep_minutes = promise::prep_minutes(priced.work, opening.scheduling.makers);
        let (scheduled_for, promised_at, wait_minutes, busy_minutes) = match basket.scheduled_for {
            Some(at) => {
                let slot = self
                    .venues
                    .slot(slot_request(venue_id, &basket.fulfillment, at, priced.work))
                    .await
                    .map_err(venue_failure)?;
                (Some(slot.starts_at), slot.starts_at, 0, 0)
            }
            None => {
                let now = Utc::now().trunc_subsecs(6);
                let ahead = self.backlog(venue_id).await?;
                if promise::kitchen_full(&opening, ahead) {
                    return Err(OrderingError::KitchenFull {
                        venue_id: venue_id.to_owned(),
                        in_progress: ahead.asap,
                    });
                }
                let quote = promise::quote(priced.work, promise::load(&opening, ahead));
                (
                    None,
                    quote.promised_at(now),
                    quote.wait_minutes,
                    quote.busy_minutes,
                )
            }
        };
        Ok(Quote {
            venue_id: opening.venue_id,
            scheduled_for,
            promised_at,
            make_minutes: priced.work.make_minutes,
            prep_minutes,
            wait_minutes,
            busy_minutes,
            lines: priced.lines,
            subtotal: priced.subtotal,
            tax,
            delivery_fee,
            total,
            currency: priced.currency,
        })
    }

    async fn status_feed(
        &self,
        id: &str,
        after: i64,
    ) -> Result<(Vec<StoredEvent>, i64), OrderingError> {
        let id = id.to_owned();
        self.db
            .read(move |c| {
                scan(&Outbox, c, after, 200, |e| {
                    e.aggregate_id == id && e.event_type == ev::ORDER_STATUS_CHANGED
                })
                .map_err(OrderingError::from)
            })
            .await
    }

    async fn payable(&self, caller: &Call, id: &str) -> Result<PayableOrder, OrderingError> {
        let key = id.to_owned();
        self.db
            .read(move |c| store::payable(c, &key).map_err(OrderingError::from))
            .await?
            .filter(|p| may_see(caller, &p.order.customer_id, &p.venue_id))
            .map(|p| p.order)
            .ok_or_else(|| OrderingError::NotFound(id.to_owned()))
    }
}

/// What ordering reads from other modules' events (tolerant: extra fields are ignored).
#[derive(Deserialize)]
struct AboutOrder {
    order_id: String,
    #[serde(default)]
    tracking_code: Option<String>,
    /// A delivery's estimate of when it reaches the door.
    #[serde(default)]
    eta: Option<DateTime<Utc>>,
}

/// What ordering keeps of a `payment.*` event, to show an order's charges.
#[derive(Deserialize)]
struct AboutPayment {
    payment_id: String,
    amount: i64,
    currency: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    refunded: Option<i64>,
}

impl AboutPayment {
    fn settled(self, status: OrderPaymentStatus) -> OrderPayment {
        OrderPayment {
            id: self.payment_id,
            status,
            amount: self.amount,
            refunded_amount: 0,
            currency: self.currency,
            failure_reason: self.reason,
        }
    }
}

/// Keeps the order's view of its charges in step with payments' events.
fn record_payment(
    c: &mut DbConn,
    order_id: &str,
    event_type: &str,
    payment: AboutPayment,
) -> Result<(), OrderingError> {
    let now = Utc::now().naive_utc();
    match event_type {
        "payment.captured" => store::settle_payment(
            c,
            order_id,
            &payment.settled(OrderPaymentStatus::Captured),
            now,
        )?,
        "payment.failed" => store::settle_payment(
            c,
            order_id,
            &payment.settled(OrderPaymentStatus::Failed),
            now,
        )?,
        "payment.refunded" => {
            store::payment_refunded(c, &payment.payment_id, payment.refunded.unwrap_or(0), now)?
        }
        _ => {}
    }
    Ok(())
}

#[async_trait]
impl EventHandler for OrderingService {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        let about: AboutOrder = event.payload(&[1])?;
        let payment: Option<AboutPayment> = if event.event_type.starts_with("payment.") {
            Some(event.payload(&[1])?)
        } else {
            None
        };
        let target = match event.event_type.as_str() {
            "payment.captured" => Some(OrderStatus::Paid),
            "payment.failed" | "payment.refunded" => None,
            "ticket.started" => Some(OrderStatus::InPreparation),
            "ticket.ready" => Some(OrderStatus::Ready),
            "delivery.picked_up" => Some(OrderStatus::OutForDelivery),
            "delivery.delivered" => Some(OrderStatus::Delivered),
            "delivery.created" => None,
            _ => return Ok(()),
        };
        // Read off the single writer: only the status changes after an order is placed, and
        // the transaction re-reads the order when that matters (see `follow`).
        let order_id = about.order_id.clone();
        let known = self
            .db
            .read(move |c| store::find_to_follow(c, &order_id).map_err(OrderingError::from))
            .await
            .map_err(|e| e.to_string())?;
        let event_type = event.event_type.clone();
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, out| {
                let Some(order) = known else {
                    tracing::warn!(order = %about.order_id, %event_type, "event about an unknown order ignored");
                    return Ok(());
                };
                if let Some(payment) = payment {
                    record_payment(c, &order.id, &event_type, payment)?;
                }
                if let Some(eta) = about.eta {
                    store::set_eta(c, &order.id, eta.naive_utc())?;
                }
                let Some(to) = target else {
                    if let Some(code) = &about.tracking_code {
                        store::set_tracking_code(c, &order.id, code)?;
                    }
                    return Ok(());
                };
                if follow(c, &order, to, &event_type, out, false)? == Followed::Stale
                    && let Some(order) = store::find_to_follow(c, &order.id)?
                {
                    follow(c, &order, to, &event_type, out, true)?;
                }
                Ok::<_, OrderingError>(())
            })
            .await?;
        Ok(())
    }
}

/// Whether [`follow`] decided.
#[derive(PartialEq)]
enum Followed {
    Done,
    /// Its decision rested on a status that may have moved since the order was read: read
    /// it again in the transaction and follow again.
    Stale,
}

/// Moves `order` to `to` in answer to `event_type`, publishing what follows. `last_word`:
/// `order` was read in this transaction, so a transition that does not apply is ignored
/// rather than [`Followed::Stale`].
fn follow(
    c: &mut DbConn,
    order: &Order,
    to: OrderStatus,
    event_type: &str,
    out: &mut Outgoing,
    last_word: bool,
) -> Result<Followed, OrderingError> {
    if to == OrderStatus::Paid && order.status == OrderStatus::Cancelled {
        // Paid after it was cancelled (a final status): give the money back.
        let refund = ev::OrderCancelled {
            order_id: order.id.clone(),
            refund_due: true,
        };
        out.publish(Event::new(ev::ORDER_CANCELLED, 1, &order.id, &refund));
        return Ok(Followed::Done);
    }
    if status::advance(order.status, to, order.fulfillment.is_delivery()).is_err() {
        if !last_word {
            return Ok(Followed::Stale);
        }
        tracing::warn!(order = %order.id, from = ?order.status, ?to, %event_type, "transition not applicable; ignored");
        return Ok(Followed::Done);
    }
    let Some(changed) = try_move_order(c, order, to)? else {
        return Ok(Followed::Stale);
    };
    out.publish(changed);
    if to == OrderStatus::Ready {
        // Ready now, whatever was promised; a courier's estimate follows.
        store::set_eta(c, &order.id, Utc::now().naive_utc())?;
    }
    let follow_up = match to {
        OrderStatus::Paid => Some(Event::new(
            ev::ORDER_PAID,
            1,
            &order.id,
            &ev::OrderPaid {
                order_id: order.id.clone(),
                venue_id: Some(order.venue_id.clone()),
                lines: order
                    .lines
                    .iter()
                    .map(|l| KitchenLine {
                        line_id: l.id.clone(),
                        item_id: Some(l.item_id.clone()),
                        name: l.name.clone(),
                        quantity: l.quantity,
                        station: l.station.clone(),
                        options: l.options.iter().map(|o| o.name.clone()).collect(),
                    })
                    .collect(),
                scheduled_for: order.scheduled_for,
                prep_minutes: Some(order.prep_minutes),
                promised_at: order.promised_at,
            },
        )),
        OrderStatus::Ready => Some(Event::new(
            ev::ORDER_READY,
            1,
            &order.id,
            &ev::OrderReady {
                order_id: order.id.clone(),
                fulfillment: order.fulfillment.clone(),
                venue_id: Some(order.venue_id.clone()),
            },
        )),
        _ => None,
    };
    if let Some(e) = follow_up {
        out.publish(e);
    }
    Ok(Followed::Done)
}

/// What ordering answers when the catalog fails.
fn catalog_failure(e: CatalogError) -> OrderingError {
    match e {
        CatalogError::Validation(errors) => OrderingError::Validation(errors),
        CatalogError::Unavailable {
            module,
            retry_after_secs,
        } => OrderingError::Unavailable {
            module,
            retry_after_secs,
        },
        other => OrderingError::Internal(other.to_string()),
    }
}

/// What ordering answers when the venues module refuses or fails.
fn venue_failure(e: VenuesError) -> OrderingError {
    match e {
        VenuesError::SlotUnavailable {
            reason,
            next_available,
        } => OrderingError::SlotUnavailable {
            message: VenuesError::SlotUnavailable {
                reason,
                next_available,
            }
            .to_string(),
            reason,
            next_available,
        },
        VenuesError::Unavailable {
            module,
            retry_after_secs,
        } => OrderingError::Unavailable {
            module,
            retry_after_secs,
        },
        other => OrderingError::Internal(other.to_string()),
    }
}
