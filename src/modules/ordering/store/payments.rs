//! Ordering's record of each order's charges, kept from payments' events.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{ordering_orders as orders, ordering_payments as payments};
use crate::modules::ordering::api::OrderPayment;
use crate::platform::db::timestamp::{Stamp, Written};
use crate::platform::db::{DbConn, one_of, stored};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = payments, treat_none_as_default_value = false)]
pub(super) struct PaymentRow {
    pub(super) payment_id: String,
    order_id: String,
    status: String,
    amount: i64,
    refunded_amount: i64,
    currency: String,
    failure_reason: Option<String>,
    #[diesel(deserialize_as = Stamp, serialize_as = Written)]
    updated_at: NaiveDateTime,
}

/// A charge settled for an order. Its event is handled once (the inbox sees to that); should
/// the charge's row exist all the same, it is brought up to date rather than doubled.
pub fn settle(
    conn: &mut DbConn,
    order_id: &str,
    payment: &OrderPayment,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let status: &str = payment.status.into();
    // Inserted first: a new charge is the usual case, and diesel caches an insert's statement
    // but prepares every update afresh.
    let row = PaymentRow {
        payment_id: payment.id.clone(),
        order_id: order_id.to_owned(),
        status: status.to_owned(),
        amount: payment.amount,
        refunded_amount: payment.refunded_amount,
        currency: payment.currency.clone(),
        failure_reason: payment.failure_reason.clone(),
        updated_at: now,
    };
    if crate::insert_or_ignore!(conn, payments::table, row)? == 0 {
        diesel::update(payments::table.find(&payment.id))
            .set((
                payments::status.eq(status),
                payments::failure_reason.eq(&payment.failure_reason),
                payments::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Money went back to the card: `amount` more of the charge is refunded.
pub fn refunded(
    conn: &mut DbConn,
    payment_id: &str,
    amount: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(payments::table.find(payment_id))
        .set((
            payments::refunded_amount.eq(payments::refunded_amount + amount),
            payments::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The charges of each of `customer`'s orders from `oldest` on, oldest first, in one query.
pub fn of_orders_since(
    conn: &mut DbConn,
    customer: &str,
    oldest: &str,
) -> QueryResult<HashMap<String, Vec<OrderPayment>>> {
    let mut rows: Vec<PaymentRow> = crate::per_backend!(conn, |c| payments::table
        .inner_join(orders::table.on(orders::id.eq(payments::order_id)))
        .filter(orders::customer_id.eq(customer))
        .filter(orders::id.ge(oldest))
        .select(payments::all_columns)
        .load(c))?;
    // Sorted here: an `ORDER BY` makes SQLite sort each order's charges in a temporary tree.
    rows.sort_unstable_by(|a, b| (&a.order_id, &a.payment_id).cmp(&(&b.order_id, &b.payment_id)));
    by_order(rows)
}

/// The charges of each of `order_ids`, oldest first, in one query.
pub fn of_orders(
    conn: &mut DbConn,
    order_ids: &[&String],
) -> QueryResult<HashMap<String, Vec<OrderPayment>>> {
    let ordered = (payments::order_id.asc(), payments::payment_id.asc());
    // One order's charges are found by `=`, without the temporary list an `IN` builds.
    let rows: Vec<PaymentRow> = crate::per_backend!(conn, |c| match order_ids {
        [one] => payments::table
            .filter(payments::order_id.eq(*one))
            .order(ordered)
            .load(c),
        many => payments::table
            .filter(one_of(payments::order_id, many))
            .order(ordered)
            .load(c),
    })?;
    by_order(rows)
}

/// Charges grouped by their order, each order's in the order of `rows`.
pub(super) fn by_order(rows: Vec<PaymentRow>) -> QueryResult<HashMap<String, Vec<OrderPayment>>> {
    let mut by_order: HashMap<String, Vec<OrderPayment>> = HashMap::new();
    for row in rows {
        let status = stored::name("ordering_payments.status", &row.status)?;
        by_order
            .entry(row.order_id)
            .or_default()
            .push(OrderPayment {
                id: row.payment_id,
                status,
                amount: row.amount,
                refunded_amount: row.refunded_amount,
                currency: row.currency,
                failure_reason: row.failure_reason,
            });
    }
    Ok(by_order)
}
