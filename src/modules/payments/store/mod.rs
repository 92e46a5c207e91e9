//! Payments' storage: its own tables, reached only through these functions.

mod schema;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::payments::api::{Card, Payment, PaymentStatus, Refund};
use crate::platform::db::timestamp::Written;
use crate::platform::db::{DbConn, one_of, stored};
use schema::{
    payments_idempotency as keys, payments_payments as payments, payments_refunds as refunds,
};

pub use schema::{Outbox, TABLES};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = payments, treat_none_as_default_value = false)]
pub struct PaymentRow {
    pub id: String,
    pub order_id: String,
    pub customer_id: String,
    pub status: String,
    pub amount: i64,
    pub refunded_amount: i64,
    pub currency: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub failure_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = keys, treat_none_as_default_value = false)]
pub struct KeyRow {
    pub principal: String,
    pub key: String,
    pub request_hash: String,
    pub payment_id: String,
    #[diesel(serialize_as = Written)]
    pub locked_until: NaiveDateTime,
    #[diesel(serialize_as = Written)]
    pub created_at: NaiveDateTime,
}

pub fn status_name(s: PaymentStatus) -> &'static str {
    s.into()
}

impl TryFrom<PaymentRow> for Payment {
    type Error = diesel::result::Error;

    fn try_from(r: PaymentRow) -> QueryResult<Self> {
        Ok(Payment {
            status: stored::name("payments_payments.status", &r.status)?,
            card: match (r.card_brand, r.card_last4) {
                (Some(brand), Some(last4)) => Some(Card { brand, last4 }),
                _ => None,
            },
            id: r.id,
            order_id: r.order_id,
            amount: r.amount,
            refunded_amount: r.refunded_amount,
            currency: r.currency,
            failure_reason: r.failure_reason,
            created_at: r.created_at.and_utc(),
        })
    }
}

pub fn key(conn: &mut DbConn, principal: &str, key: &str) -> QueryResult<Option<KeyRow>> {
    keys::table
        .filter(keys::principal.eq(principal))
        .filter(keys::key.eq(key))
        .first(conn)
        .optional()
}

pub fn insert_key(conn: &mut DbConn, row: KeyRow) -> QueryResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(keys::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

/// Forgets (about) `limit` of the keys created before `before`, oldest first.
pub fn forget_keys(conn: &mut DbConn, before: NaiveDateTime, limit: i64) -> QueryResult<u64> {
    // The batch ends at the `limit`-th oldest key, so one statement stays short.
    let nth: Option<NaiveDateTime> = keys::table
        .select(keys::created_at)
        .filter(keys::created_at.lt(before))
        .order(keys::created_at.asc())
        .offset(limit - 1)
        .first(conn)
        .optional()?;
    let removed = diesel::delete(
        keys::table.filter(
            keys::created_at
                .le(nth.unwrap_or(before))
                .and(keys::created_at.lt(before)),
        ),
    )
    .execute(conn)?;
    Ok(removed as u64)
}

/// Takes the key's processing lock if nobody holds it; `false` when a request holds it.
pub fn lock_key(
    conn: &mut DbConn,
    principal: &str,
    key: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        keys::table
            .filter(keys::principal.eq(principal))
            .filter(keys::key.eq(key))
            .filter(keys::locked_until.lt(now)),
    )
    .set(keys::locked_until.eq(until))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn unlock_key(conn: &mut DbConn, principal: &str, key: &str) -> QueryResult<()> {
    diesel::update(
        keys::table
            .filter(keys::principal.eq(principal))
            .filter(keys::key.eq(key)),
    )
    .set(keys::locked_until.eq(NaiveDateTime::default()))
    .execute(conn)?;
    Ok(())
}

pub fn insert_payment(conn: &mut DbConn, row: &PaymentRow) -> QueryResult<()> {
    crate::per_backend!(conn, |c| diesel::insert_into(payments::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

pub fn payment(conn: &mut DbConn, id: &str) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .filter(payments::id.eq(id))
        .first(conn)
        .optional()
}

/// Every attempt to pay `order_id`, oldest first.
pub fn of_order(conn: &mut DbConn, order_id: &str) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::order_id.eq(order_id))
        .order((payments::created_at.asc(), payments::id.asc()))
        .load(conn)
}

pub fn captured_for_order(conn: &mut DbConn, order_id: &str) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .filter(payments::order_id.eq(order_id))
        .filter(payments::status.eq("captured"))
        .first(conn)
        .optional()
}

pub fn declines(conn: &mut DbConn, order_id: &str) -> QueryResult<i64> {
    payments::table
        .filter(payments::order_id.eq(order_id))
        .filter(one_of(payments::status, ["declined", "failed"]))
        .count()
        .get_result(conn)
}

/// Settles a pending payment; `false` if it was not pending any more.
/// Writes a pending payment's outcome (`settled`'s status, card, reason and time); `false` when
/// it was not pending any more (someone else settled it).
pub fn settle(conn: &mut DbConn, settled: &PaymentRow) -> QueryResult<bool> {
    let n = diesel::update(
        payments::table
            .filter(payments::id.eq(&settled.id))
            .filter(payments::status.eq("pending")),
    )
    .set((
        payments::status.eq(&settled.status),
        payments::card_brand.eq(&settled.card_brand),
        payments::card_last4.eq(&settled.card_last4),
        payments::failure_reason.eq(&settled.failure_reason),
        payments::updated_at.eq(settled.updated_at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Adds a refund unless it would exceed what was captured; `false` when it would.
pub fn add_refund(conn: &mut DbConn, payment: &PaymentRow, refund: &Refund) -> QueryResult<bool> {
    let n = diesel::update(
        payments::table
            .filter(payments::id.eq(&payment.id))
            .filter(payments::status.eq("captured"))
            .filter((payments::refunded_amount + refund.amount).le(payments::amount)),
    )
    .set((
        payments::refunded_amount.eq(payments::refunded_amount + refund.amount),
        payments::updated_at.eq(refund.created_at.naive_utc()),
    ))
    .execute(conn)?;
    if n == 1 {
        diesel::insert_into(refunds::table)
            .values((
                refunds::id.eq(&refund.id),
                refunds::payment_id.eq(&refund.payment_id),
                refunds::amount.eq(refund.amount),
                refunds::created_at.eq(refund.created_at.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(n == 1)
}
