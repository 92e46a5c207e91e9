//! The payments module's implementation of its contract, and its event consumer.

pub mod key_retention;
mod sandbox;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{NaiveDateTime, SubsecRound, TimeDelta, Utc};
use serde::Deserialize;

use crate::modules::identity::api::Call;
use crate::modules::identity::api::roles::REFUNDERS;
use crate::modules::ordering::api::{OrderStatus, OrderingApi, OrderingError};
use crate::modules::payments::api::PaymentSettings;
use crate::modules::payments::api::events::{self as ev, PaymentEvent};
use crate::modules::payments::api::{
    Card, CardProcessor, Charge, ChargeError, PayOutcome, Payment, PaymentList, PaymentRequest,
    PaymentStatus, PaymentsApi, PaymentsError, Refund, RefundRequest,
};
use crate::modules::payments::domain::rules;
use crate::modules::payments::store::{self, KeyRow, Outbox, PaymentRow};
use crate::platform::db::{Db, DbConn, is_unique_violation};
use crate::platform::events::{Event, EventHandler, OutboxTable, Wake};
use crate::platform::ids::{new_id, token_digest};
use crate::platform::validation::FieldError;

pub struct PaymentsService {
    db: Db,
    ordering: Arc<dyn OrderingApi>,
    processor: Arc<dyn CardProcessor>,
    settings: PaymentSettings,
    wake: Wake,
}

/// What to do after looking the idempotency key up.
enum Claim {
    /// A new payment row was created and its key locked: charge it.
    Charge(PaymentRow),
    /// The key's payment is settled: answer as the first time.
    Replay(PaymentRow),
    /// The processor decided at once, in the claim's own transaction: this is the answer.
    Settled(PaymentRow),
}

impl PaymentsService {
    pub fn new(
        db: Db,
        ordering: Arc<dyn OrderingApi>,
        processor: Arc<dyn CardProcessor>,
        settings: PaymentSettings,
        wake: Wake,
    ) -> Self {
        Self {
            db,
            ordering,
            processor,
            settings,
            wake,
        }
    }

    fn lock_span(&self) -> TimeDelta {
        // Long enough to cover a processor call; a crashed request's lock then expires.
        TimeDelta::milliseconds(self.settings.processor_timeout_ms as i64 + 5_000)
    }

    /// Finds or creates the payment for this key, in one transaction.
    async fn claim(
        &self,
        caller: &Call,
        key: &str,
        hash: String,
        order_id: &str,
        token: &str,
    ) -> Result<Claim, PaymentsError> {
        let order = self
            .ordering
            .payable(caller, order_id)
            .await
            .map_err(|e| match e {
                OrderingError::NotFound(_) => PaymentsError::NotFound(e.to_string()),
                other => PaymentsError::Internal(other.to_string()),
            })?;
        let (principal, key) = (caller.user_id.clone(), key.to_owned());
        let max_declines = self.settings.max_declines_per_order;
        let span = self.lock_span();
        let (processor, token) = (self.processor.clone(), token.to_owned());
        self.db
            .write(move |c| {
                // Microseconds, as both databases keep them: the answer is built from this row.
                let now = Utc::now().naive_utc().trunc_subsecs(6);
                if let Some(existing) = store::key(c, &principal, &key)? {
                    return resume(c, existing, &hash, now, span);
                }
                if order.status != OrderStatus::Placed {
                    return Err(PaymentsError::Conflict(format!(
                        "the order is {}; only placed orders can be paid",
                        <&str>::from(order.status)
                    )));
                }
                if store::declines(c, &order.id)? >= max_declines {
                    return Err(PaymentsError::Conflict(format!(
                        "this order was declined {max_declines} times; no more attempts are allowed"
                    )));
                }
                let pending = PaymentRow {
                    id: new_id("pay"),
                    order_id: order.id.clone(),
                    customer_id: order.customer_id.clone(),
                    status: store::status_name(PaymentStatus::Pending).into(),
                    amount: order.total,
                    refunded_amount: 0,
                    currency: order.currency.clone(),
                    card_brand: None,
                    card_last4: None,
                    failure_reason: None,
                    created_at: now,
                    updated_at: now,
                };
                // A processor that needs no round trip decides now, and the payment is
                // written settled, its key unlocked, in this same transaction: nothing happened
                // outside it that a crash before the commit could lose.
                let decided = processor.decide_at_once(
                    &pending.id,
                    &token,
                    pending.amount,
                    &pending.currency,
                );
                let (payment, event, locked_until) = match &decided {
                    Some(result) => {
                        let (row, event) = settled(pending, result, now);
                        (row, Some(event), NaiveDateTime::default())
                    }
                    None => (pending, None, now + span),
                };
                store::insert_key(
                    c,
                    KeyRow {
                        principal: principal.clone(),
                        key: key.clone(),
                        request_hash: hash.clone(),
                        payment_id: payment.id.clone(),
                        locked_until,
                        created_at: now,
                    },
                )
                // A concurrent duplicate got there first (SQLite reports it here).
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        PaymentsError::InFlight
                    } else {
                        e.into()
                    }
                })?;
                store::insert_payment(c, &payment).map_err(|e| {
                    if is_unique_violation(&e) {
                        PaymentsError::Conflict(
                            "this order already has a payment in progress or captured".into(),
                        )
                    } else {
                        e.into()
                    }
                })?;
                match event {
                    Some(event) => {
                        Outbox.append(c, &[event])?;
                        Ok(Claim::Settled(payment))
                    }
                    None => Ok(Claim::Charge(payment)),
                }
            })
            .await
    }

    async fn charge(
        &self,
        caller: &Call,
        key: &str,
        payment: PaymentRow,
        token: &str,
    ) -> Result<Payment, PaymentsError> {
        let call = self
            .processor
            .charge(&payment.id, token, payment.amount, &payment.currency);
        let outcome = actix_web::rt::time::timeout(
            Duration::from_millis(self.settings.processor_timeout_ms),
            call,
        )
        .await;
        let (principal, key) = (caller.user_id.clone(), key.to_owned());
        let Ok(result) = outcome else {
            let id = payment.id.clone();
            self.db
                .write(move |c| store::unlock_key(c, &principal, &key).map_err(PaymentsError::from))
                .await?;
            return Err(PaymentsError::ProcessorTimeout { payment_id: id });
        };
        let id = payment.id.clone();
        let settled = self
            .db
            .write(move |c| settle(c, payment, &result, &principal, &key))
            .await?;
        let row = match settled {
            Some(row) => {
                self.wake.published();
                row
            }
            None => self.load(&id).await?,
        };
        rules::answer(Payment::try_from(row)?)
    }

    async fn load(&self, id: &str) -> Result<PaymentRow, PaymentsError> {
        let key = id.to_owned();
        self.db
            .read(move |c| store::payment(c, &key).map_err(PaymentsError::from))
            .await?
            .ok_or_else(|| PaymentsError::NotFound(format!("no payment with id {id}")))
    }

    /// Gives `amount` of `payment` back (API refunds).
    async fn refund_in(&self, payment: PaymentRow, amount: i64) -> Result<Refund, PaymentsError> {
        let refund = self
            .db
            .write(move |c| {
                let (refund, event) = refund_within(c, &payment, amount)?;
                Outbox.append(c, &[event])?;
                Ok::<_, PaymentsError>(refund)
            })
            .await?;
        self.wake.published();
        Ok(refund)
    }
}

/// `payment` as the processor's answer leaves it, and the event announcing that.
fn settled(
    payment: PaymentRow,
    result: &Result<Charge, ChargeError>,
    now: NaiveDateTime,
) -> (PaymentRow, Event) {
    let (status, card, reason, event_type) = match result {
        Ok(charge) => (
            PaymentStatus::Captured,
            Some(Card {
                brand: charge.brand.clone(),
                last4: charge.last4.clone(),
            }),
            None,
            ev::PAYMENT_CAPTURED,
        ),
        Err(ChargeError::Declined(r)) => (
            PaymentStatus::Declined,
            None,
            Some(r.clone()),
            ev::PAYMENT_FAILED,
        ),
        Err(ChargeError::InvalidToken) => (
            PaymentStatus::Failed,
            None,
            Some("invalid_token".to_owned()),
            ev::PAYMENT_FAILED,
        ),
    };
    let event = PaymentEvent {
        payment_id: payment.id.clone(),
        order_id: payment.order_id.clone(),
        amount: payment.amount,
        currency: payment.currency.clone(),
        reason: reason.clone(),
        refunded: None,
    };
    let event = Event::new(event_type, 1, &payment.order_id, &event);
    let row = PaymentRow {
        status: store::status_name(status).into(),
        card_brand: card.as_ref().map(|c| c.brand.clone()),
        card_last4: card.map(|c| c.last4),
        failure_reason: reason,
        updated_at: now,
        ..payment
    };
    (row, event)
}

/// Records the processor's answer for a pending `payment` and unlocks its idempotency key,
/// with the event announcing it. Answers the settled row, or `None` when someone else settled
/// it first (their settlement is not this caller's answer).
fn settle(
    c: &mut DbConn,
    payment: PaymentRow,
    result: &Result<Charge, ChargeError>,
    principal: &str,
    key: &str,
) -> Result<Option<PaymentRow>, PaymentsError> {
    let (row, event) = settled(payment, result, Utc::now().naive_utc());
    let done = store::settle(c, &row)?;
    if done {
        Outbox.append(c, &[event])?;
    }
    store::unlock_key(c, principal, key)?;
    Ok(done.then_some(row))
}

/// Records a refund of `amount` inside the caller's transaction, and the event announcing it.
fn refund_within(
    c: &mut DbConn,
    payment: &PaymentRow,
    amount: i64,
) -> Result<(Refund, Event), PaymentsError> {
    let refund = Refund {
        id: new_id("ref"),
        payment_id: payment.id.clone(),
        amount,
        created_at: Utc::now(),
    };
    if !store::add_refund(c, payment, &refund)? {
        return Err(PaymentsError::Validation(vec![FieldError::new(
            "amount",
            "too_large",
            format!(
                "at most {} can still be refunded",
                payment.amount - payment.refunded_amount
            ),
        )]));
    }
    let event = PaymentEvent {
        payment_id: payment.id.clone(),
        order_id: payment.order_id.clone(),
        amount: payment.amount,
        currency: payment.currency.clone(),
        reason: None,
        refunded: Some(refund.amount),
    };
    let event = Event::new(ev::PAYMENT_REFUNDED, 1, &payment.order_id, &event);
    Ok((refund, event))
}

/// An existing key: replay, refuse, or take over a timed-out attempt.
fn resume(
    c: &mut DbConn,
    existing: KeyRow,
    hash: &str,
    now: chrono::NaiveDateTime,
    span: TimeDelta,
) -> Result<Claim, PaymentsError> {
    if existing.request_hash != hash {
        return Err(PaymentsError::IdempotencyMismatch);
    }
    let payment = store::payment(c, &existing.payment_id)?
        .ok_or_else(|| PaymentsError::Internal("idempotency key without its payment".into()))?;
    if payment.status != "pending" {
        return Ok(Claim::Replay(payment));
    }
    if store::lock_key(c, &existing.principal, &existing.key, now, now + span)? {
        Ok(Claim::Charge(payment))
    } else {
        Err(PaymentsError::InFlight)
    }
}

#[async_trait]
impl PaymentsApi for PaymentsService {
    async fn pay(
        &self,
        caller: &Call,
        order_id: &str,
        idempotency_key: Option<&str>,
        request: PaymentRequest,
    ) -> Result<PayOutcome, PaymentsError> {
        let key = rules::check_key(idempotency_key)?;
        let hash = token_digest(&format!("{order_id}\n{}", request.card_token));
        let claim = self
            .claim(caller, key, hash, order_id, &request.card_token)
            .await?;
        let (payment, replayed) = match claim {
            Claim::Replay(row) => (rules::answer(Payment::try_from(row)?)?, true),
            Claim::Settled(row) => {
                self.wake.published();
                (rules::answer(Payment::try_from(row)?)?, false)
            }
            Claim::Charge(row) => (
                self.charge(caller, key, row, &request.card_token).await?,
                false,
            ),
        };
        Ok(PayOutcome { payment, replayed })
    }

    async fn payment(&self, caller: &Call, id: &str) -> Result<Payment, PaymentsError> {
        let row = self.load(id).await?;
        if row.customer_id != caller.user_id && !caller.has_any(REFUNDERS) {
            return Err(PaymentsError::NotFound(format!("no payment with id {id}")));
        }
        Ok(Payment::try_from(row)?)
    }

    async fn order_payments(
        &self,
        caller: &Call,
        order_id: &str,
    ) -> Result<PaymentList, PaymentsError> {
        // Visible to whoever may see the order (its customer, staff); others get NotFound.
        self.ordering
            .get(caller, order_id)
            .await
            .map_err(|e| match e {
                OrderingError::NotFound(_) => PaymentsError::NotFound(e.to_string()),
                other => PaymentsError::Internal(other.to_string()),
            })?;
        let id = order_id.to_owned();
        let rows = self
            .db
            .read(move |c| store::of_order(c, &id).map_err(PaymentsError::from))
            .await?;
        Ok(PaymentList {
            data: rows
                .into_iter()
                .map(Payment::try_from)
                .collect::<Result<_, _>>()?,
        })
    }

    async fn refund(
        &self,
        caller: &Call,
        payment_id: &str,
        request: RefundRequest,
    ) -> Result<Refund, PaymentsError> {
        if !caller.has_any(REFUNDERS) {
            return Err(PaymentsError::Forbidden(
                "refund payments (staff only)".into(),
            ));
        }
        let payment = self.load(payment_id).await?;
        if payment.status != "captured" {
            return Err(PaymentsError::Conflict(format!(
                "payment {payment_id} is {}; only captured payments can be refunded",
                payment.status
            )));
        }
        self.refund_in(payment, request.amount).await
    }
}

#[derive(Deserialize)]
struct Cancelled {
    order_id: String,
    #[serde(default)]
    refund_due: bool,
}

#[async_trait]
impl EventHandler for PaymentsService {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        if event.event_type != "order.cancelled" {
            return Ok(());
        }
        let cancelled: Cancelled = event.payload(&[1])?;
        if !cancelled.refund_due {
            return Ok(());
        }
        let order_id = cancelled.order_id.clone();
        let captured = self
            .db
            .read(move |c| store::captured_for_order(c, &order_id).map_err(PaymentsError::from))
            .await
            .map_err(|e| e.to_string())?;
        let Some(payment) = captured else {
            return Ok(());
        };
        let left = payment.amount - payment.refunded_amount;
        if left <= 0 {
            return Ok(());
        }
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, out| {
                let (_, refunded) = refund_within(c, &payment, left)?;
                out.publish(refunded);
                Ok::<_, PaymentsError>(())
            })
            .await?;
        Ok(())
    }
}

/// The sandbox card processor (test card numbers, no money moves).
pub fn sandbox_processor() -> Arc<dyn CardProcessor> {
    Arc::new(sandbox::SandboxProcessor::default())
}
