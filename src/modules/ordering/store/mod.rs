//! Ordering's storage: its own tables, reached only through these functions.

mod latest;
mod payments;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::modules::ordering::api::{Order, OrderLine, OrderPayment, OrderStatus, PayableOrder};
use crate::modules::ordering::domain::{promise, status};
use crate::platform::db::timestamp::{MaybeStamp, Stamp, Written};
use crate::platform::db::{DbConn, one_of, prepared_update, stored};
use payments::PaymentRow;
use schema::{
    ordering_kitchen_load as kitchen_load, ordering_lines as lines, ordering_orders as orders,
    ordering_payments as order_payments,
};

pub use payments::{refunded as payment_refunded, settle as settle_payment};
pub use schema::{Outbox, TABLES};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = orders, treat_none_as_default_value = false)]
pub struct OrderRow {
    pub id: String,
    pub customer_id: String,
    pub status: String,
    pub fulfillment: String,
    pub note: String,
    pub subtotal: i64,
    pub tax: i64,
    pub delivery_fee: i64,
    pub total: i64,
    pub currency: String,
    pub tracking_code: Option<String>,
    pub version: i32,
    #[diesel(deserialize_as = Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = Stamp)]
    pub updated_at: NaiveDateTime,
    /// The `Idempotency-Key` the order was placed with, unique per customer.
    pub request_key: Option<String>,
    pub venue_id: String,
    /// The start of the slot the order holds; NULL: as soon as possible.
    #[diesel(deserialize_as = MaybeStamp)]
    pub scheduled_for: Option<NaiveDateTime>,
    /// Its items' make times by quantity.
    pub make_minutes: i32,
    /// Its own time in the kitchen, make-minutes shared among the venue's makers.
    pub prep_minutes: i32,
    /// NULL for orders placed before quotes.
    #[diesel(deserialize_as = MaybeStamp)]
    pub promised_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = MaybeStamp)]
    pub eta: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = lines, treat_none_as_default_value = false)]
pub struct LineRow {
    pub id: String,
    pub order_id: String,
    pub position: i32,
    pub item_id: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price: i64,
    pub options: String,
    pub line_total: i64,
    pub station: String,
}

pub fn status_name(status: OrderStatus) -> String {
    <&str>::from(status).to_owned()
}

impl LineRow {
    pub fn new(order_id: &str, position: usize, line: &OrderLine) -> Self {
        Self {
            id: line.id.clone(),
            order_id: order_id.to_owned(),
            position: position as i32,
            item_id: line.item_id.clone(),
            name: line.name.clone(),
            quantity: line.quantity as i32,
            unit_price: line.unit_price,
            options: serde_json::to_string(&line.options).unwrap_or_else(|_| "[]".into()),
            line_total: line.line_total,
            station: line.station.clone(),
        }
    }
}

pub fn assemble(
    row: OrderRow,
    line_rows: Vec<LineRow>,
    payments: Vec<OrderPayment>,
) -> QueryResult<Order> {
    let lines = line_rows
        .into_iter()
        .map(|l| {
            Ok(OrderLine {
                options: stored::json("ordering_lines.options", &l.options)?,
                id: l.id,
                item_id: l.item_id,
                name: l.name,
                quantity: l.quantity.max(0) as u32,
                unit_price: l.unit_price,
                line_total: l.line_total,
                station: l.station,
            })
        })
        .collect::<QueryResult<_>>()?;
    Ok(Order {
        payments,
        status: stored::name("ordering_orders.status", &row.status)?,
        fulfillment: stored::json("ordering_orders.fulfillment", &row.fulfillment)?,
        lines,
        id: row.id,
        customer_id: row.customer_id,
        venue_id: row.venue_id,
        scheduled_for: row.scheduled_for.map(|t| t.and_utc()),
        prep_minutes: row.prep_minutes.max(0) as u32,
        promised_at: row.promised_at.map(|t| t.and_utc()),
        eta: row.eta.map(|t| t.and_utc()),
        subtotal: row.subtotal,
        tax: row.tax,
        delivery_fee: row.delivery_fee,
        total: row.total,
        currency: row.currency,
        note: row.note,
        tracking_code: row.tracking_code,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

pub fn insert(conn: &mut DbConn, order: &OrderRow, order_lines: &[LineRow]) -> QueryResult<()> {
    crate::per_backend!(&mut *conn, |c| diesel::insert_into(orders::table)
        .values(order)
        .execute(c))?;
    // The lines by one statement on PostgreSQL however many there are.
    crate::insert_all!(conn, lines::table, order_lines)
}

/// Order `id`'s own row.
fn row(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrderRow>> {
    crate::per_backend!(conn, |c| orders::table
        .filter(orders::id.eq(id))
        .first::<OrderRow>(c)
        .optional())
}

/// An order's row joined with one of its lines and one of its charges.
type Joined = (OrderRow, Option<LineRow>, Option<PaymentRow>);

/// The orders `$filter` picks, each joined with its lines and charges: one statement, as
/// on PostgreSQL each statement is a round trip, and reading the rows, the lines and the
/// charges one after another made three. It yields a row for each pair of a line and a
/// charge, the order's columns repeated in each: an order holds at most
/// `ordering.max_lines` lines and a charge for each payment attempt.
macro_rules! joined_where {
    // On a backend's own connection.
    (on $c:expr, $filter:expr) => {
        orders::table
            .left_join(lines::table.on(lines::order_id.eq(orders::id)))
            .left_join(order_payments::table.on(order_payments::order_id.eq(orders::id)))
            .filter($filter)
            .select((
                orders::all_columns,
                lines::all_columns.nullable(),
                order_payments::all_columns.nullable(),
            ))
            .load::<Joined>($c)
    };
    ($conn:expr, $filter:expr) => {
        crate::per_backend!($conn, |c| joined_where!(on c, $filter))
    };
}

/// Order `id` with its lines and charges, read by one statement.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Order>> {
    Ok(gathered(joined_where!(conn, orders::id.eq(id))?)?.pop())
}

/// The orders among `ids`, each with its id, its lines and charges, by one statement: the
/// orders a round of concurrent readers asked for.
pub fn find_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, Order)>> {
    let orders = gathered(joined_where!(conn, one_of(orders::id, ids))?)?;
    Ok(orders.into_iter().map(|o| (o.id.clone(), o)).collect())
}

/// Order `id` as following its events needs it: its row and lines, not its charges (left
/// empty). One statement, as [`find`].
pub fn find_to_follow(conn: &mut DbConn, id: &str) -> QueryResult<Option<Order>> {
    let joined: Vec<(OrderRow, Option<LineRow>)> = crate::per_backend!(conn, |c| orders::table
        .left_join(lines::table.on(lines::order_id.eq(orders::id)))
        .filter(orders::id.eq(id))
        .select((orders::all_columns, lines::all_columns.nullable()))
        .load(c))?;
    let joined = joined.into_iter().map(|(row, line)| (row, line, None));
    Ok(gathered(joined.collect())?.pop())
}

/// The orders in `joined`, newest first, each with its lines and charges in order and each
/// of them once however many rows carried it.
fn gathered(joined: Vec<Joined>) -> QueryResult<Vec<Order>> {
    type Parts = (
        OrderRow,
        BTreeMap<i32, LineRow>,
        BTreeMap<String, PaymentRow>,
    );
    let mut orders: BTreeMap<String, Parts> = BTreeMap::new();
    for (row, line, charge) in joined {
        let (_, lines, charges) = orders
            .entry(row.id.clone())
            .or_insert_with(|| (row, BTreeMap::new(), BTreeMap::new()));
        if let Some(line) = line {
            lines.entry(line.position).or_insert(line);
        }
        if let Some(charge) = charge {
            charges.entry(charge.payment_id.clone()).or_insert(charge);
        }
    }
    orders
        .into_values()
        .rev()
        .map(|(row, lines, charges)| {
            let mut paid = payments::by_order(charges.into_values().collect())?;
            let charges = paid.remove(&row.id).unwrap_or_default();
            assemble(row, lines.into_values().collect(), charges)
        })
        .collect()
}

/// An order as paying for it needs it, with the venue that decides which staff may see it.
pub struct Payable {
    pub order: PayableOrder,
    pub venue_id: String,
}

/// Order `id` as paying for it needs it: its row alone (not its lines or charges).
pub fn payable(conn: &mut DbConn, id: &str) -> QueryResult<Option<Payable>> {
    let Some(row) = row(conn, id)? else {
        return Ok(None);
    };
    Ok(Some(Payable {
        order: PayableOrder {
            status: stored::name("ordering_orders.status", &row.status)?,
            id: row.id,
            customer_id: row.customer_id,
            total: row.total,
            currency: row.currency,
        },
        venue_id: row.venue_id,
    }))
}

pub struct PageQuery {
    pub customer_id: Option<String>,
    /// Only these venues' orders; `None`: every venue's.
    pub venue_ids: Option<Vec<String>>,
    pub status: Option<String>,
    /// Newest first: continue with ids below this one.
    pub before: Option<String>,
    pub limit: i64,
}

/// `$query`, a boxed query of orders on either backend, narrowed to the orders `$q` (a
/// [`PageQuery`]) asks for.
macro_rules! narrowed {
    ($query:expr, $q:expr) => {{
        let mut query = $query;
        if let Some(customer) = &$q.customer_id {
            query = query.filter(orders::customer_id.eq(customer));
        }
        if let Some(venues) = &$q.venue_ids {
            query = query.filter(one_of(orders::venue_id, venues));
        }
        if let Some(s) = &$q.status {
            query = query.filter(orders::status.eq(s));
        }
        if let Some(b) = &$q.before {
            query = query.filter(orders::id.lt(b));
        }
        query
    }};
}

pub fn page(conn: &mut DbConn, q: PageQuery) -> QueryResult<Vec<Order>> {
    if let DbConn::Postgres(pg) = conn {
        return page_by_one_statement(pg, &q);
    }
    // A customer's (or their key's) latest orders, the commonest page.
    let latest_of = match (&q.customer_id, &q.venue_ids, &q.status, &q.before) {
        (Some(customer), None, None, None) => Some(customer.as_str()),
        _ => None,
    };
    let rows: Vec<OrderRow> = crate::per_backend!(conn, |c| {
        if let Some(customer) = latest_of {
            // A query of one static type has its SQL built once, where a boxed one is
            // written out afresh on every call to find its prepared statement (3% of such a
            // list's samples).
            orders::table
                .filter(orders::customer_id.eq(customer))
                .order(orders::id.desc())
                .limit(q.limit)
                .load(c)
        } else {
            narrowed!(
                orders::table
                    .order(orders::id.desc())
                    .limit(q.limit)
                    .into_boxed(),
                q
            )
            .load(c)
        }
    })?;
    let Some(oldest) = rows.last().map(|r| r.id.clone()) else {
        return Ok(Vec::new());
    };
    let (page_lines, mut charges) = match latest_of {
        // The page is all of the customer's orders from its oldest on, so their lines and
        // charges are found by walking the (customer_id, id) index, without the temporary
        // table SQLite builds for a list of ids (3.5% of such a list's samples). Lines of an
        // order placed since the page was read (PostgreSQL reads no snapshot) are left over.
        Some(customer) => (
            lines_since(conn, customer, &oldest)?,
            payments::of_orders_since(conn, customer, &oldest)?,
        ),
        None => {
            let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
            let page_lines = crate::per_backend!(conn, |c| lines::table
                .filter(one_of(lines::order_id, &ids))
                .order((lines::order_id.asc(), lines::position.asc()))
                .load(c))?;
            (page_lines, payments::of_orders(conn, &ids)?)
        }
    };
    let mut by_order: HashMap<String, Vec<LineRow>> = HashMap::new();
    for l in page_lines {
        by_order.entry(l.order_id.clone()).or_default().push(l);
    }
    rows.into_iter()
        .map(|r| {
            let ls = by_order.remove(&r.id).unwrap_or_default();
            let paid = charges.remove(&r.id).unwrap_or_default();
            assemble(r, ls, paid)
        })
        .collect()
}

/// PostgreSQL's page: the orders `q` asks for with their lines and charges, by one
/// statement where reading them one after another made three round trips. A subquery picks
/// the page's orders; each row joins one of them with one of its lines and one of its
/// charges, as [`find`] does. (SQLite, where a statement is a library call, reads the three
/// through indexes that need no temporary list of ids.)
fn page_by_one_statement(c: &mut diesel::PgConnection, q: &PageQuery) -> QueryResult<Vec<Order>> {
    gathered(joined_where!(
        on c,
        orders::id.eq_any(narrowed!(
            orders::table
                .select(orders::id)
                .order(orders::id.desc())
                .limit(q.limit)
                .into_boxed::<diesel::pg::Pg>(),
            q
        ))
    )?)
}

/// `customer`'s latest `n` orders, newest first: the first page of their list.
pub fn latest_of(conn: &mut DbConn, customer: &str, n: i64) -> QueryResult<Vec<Order>> {
    page(
        conn,
        PageQuery {
            customer_id: Some(customer.to_owned()),
            venue_ids: None,
            status: None,
            before: None,
            limit: n,
        },
    )
}

/// A customer, and how many of their latest orders.
pub type Latest = (String, i64);

/// Each of `wanted`'s customers' latest `n` orders, newest first, each list with its
/// customer and `n`: on PostgreSQL by one statement, for a round of concurrent readers.
pub fn latest_of_each(
    conn: &mut DbConn,
    wanted: &[Latest],
) -> QueryResult<Vec<(Latest, Vec<Order>)>> {
    let DbConn::Postgres(c) = conn else {
        return wanted
            .iter()
            .map(|(customer, n)| Ok(((customer.clone(), *n), latest_of(conn, customer, *n)?)))
            .collect();
    };
    let mut by_customer: HashMap<String, Vec<Order>> = HashMap::new();
    for order in gathered(joined_where!(on c, latest::AmongLatest::new(wanted))?)? {
        by_customer
            .entry(order.customer_id.clone())
            .or_default()
            .push(order);
    }
    // Newest first, as gathered; a customer asked for twice gets each `n` of them.
    Ok(wanted
        .iter()
        .map(|(customer, n)| {
            let theirs = by_customer.get(customer).map_or(&[][..], Vec::as_slice);
            let kept = usize::try_from(*n).unwrap_or(0).min(theirs.len());
            ((customer.clone(), *n), theirs[..kept].to_vec())
        })
        .collect())
}

/// The lines of `customer`'s orders from `oldest` on, in order.
fn lines_since(conn: &mut DbConn, customer: &str, oldest: &str) -> QueryResult<Vec<LineRow>> {
    let mut rows: Vec<LineRow> = crate::per_backend!(conn, |c| lines::table
        .inner_join(orders::table.on(orders::id.eq(lines::order_id)))
        .filter(orders::customer_id.eq(customer))
        .filter(orders::id.ge(oldest))
        .select(lines::all_columns)
        .load(c))?;
    // Sorted here: an `ORDER BY` makes SQLite sort each order's lines in a temporary tree,
    // although it reads them through an index in that order.
    rows.sort_unstable_by(|a, b| (&a.order_id, a.position).cmp(&(&b.order_id, b.position)));
    Ok(rows)
}

/// The order `customer` placed with `key` since `since`, if any.
pub fn id_by_request_key(
    conn: &mut DbConn,
    customer: &str,
    key: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<String>> {
    orders::table
        .filter(orders::customer_id.eq(customer))
        .filter(orders::request_key.eq(key))
        .filter(orders::created_at.ge(since))
        .select(orders::id)
        .first(conn)
        .optional()
}

/// Forgets keys `customer` used before `before`, so a key reused a day later places a new
/// order (the unique index stays a guard against concurrent duplicates).
pub fn forget_request_key(
    conn: &mut DbConn,
    customer: &str,
    key: &str,
    before: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        orders::table
            .filter(orders::customer_id.eq(customer))
            .filter(orders::request_key.eq(key))
            .filter(orders::created_at.lt(before)),
    )
    .set(orders::request_key.eq(None::<String>))
    .execute(conn)?;
    Ok(())
}

/// The stored status of an order awaiting payment, as SQL: `ordering_orders_unpaid` holds the
/// orders in it.
const UNPAID: &str = "'placed'";

/// [`UNPAID`] written into a statement. Not `diesel::dsl::sql`: diesel never keeps a statement
/// holding a literal prepared (its text could differ from call to call), and preparing the count
/// afresh on every order placed cost the single writer 4 % of its time. This one's text never
/// changes, so its statements are kept like any other.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
struct Unpaid;

impl diesel::Expression for Unpaid {
    type SqlType = diesel::sql_types::Text;
}

impl<QS> diesel::AppearsOnTable<QS> for Unpaid {}

impl<QS> diesel::SelectableExpression<QS> for Unpaid {}

impl diesel::expression::ValidGrouping<()> for Unpaid {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for Unpaid {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(UNPAID);
        Ok(())
    }
}

type UnpaidOf<'a> = diesel::dsl::Select<
    diesel::dsl::Filter<
        diesel::dsl::Filter<orders::table, diesel::dsl::Eq<orders::customer_id, &'a str>>,
        diesel::dsl::Eq<orders::status, Unpaid>,
    >,
    diesel::dsl::CountStar,
>;

/// Counts `customer`'s orders awaiting payment. The status is written into the statement, not
/// bound: the planner matches a partial index's predicate against the statement alone (it
/// never looks at bound values), so only then can it search `ordering_orders_unpaid`.
fn unpaid_of(customer: &str) -> UnpaidOf<'_> {
    orders::table
        .filter(orders::customer_id.eq(customer))
        .filter(orders::status.eq(Unpaid))
        .count()
}

pub fn count_unpaid(conn: &mut DbConn, customer: &str) -> QueryResult<i64> {
    unpaid_of(customer).get_result(conn)
}

/// Moves the order from `from` only: a concurrent change makes this a no-op (`false`).
pub fn set_status(
    conn: &mut DbConn,
    id: &str,
    from: &str,
    to: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    struct SetStatus;
    let n = crate::per_backend!(conn, |c| prepared_update::<SetStatus, _, _, _>(
        orders::table,
        orders::id.eq(id).and(orders::status.eq(from)),
        (
            orders::status.eq(to),
            orders::version.eq(orders::version + 1),
            orders::updated_at.eq(Written(now)),
        ),
    )
    .execute(c))?;
    Ok(n == 1)
}

/// The stored names of the statuses of orders in the kitchen's hands.
fn in_kitchen_names() -> [String; 2] {
    status::IN_KITCHEN.map(status_name)
}

/// Rows each venue's kitchen load is spread over (see the `ordering_kitchen_load` migration).
const KITCHEN_LOAD_SHARDS: u32 = 8;

/// Adds order `id` (one for as soon as possible, at `venue_id`) to its kitchen's load
/// (`entering`), or takes it off: in the transaction that moves the order, so the load is
/// always that of the orders' committed statuses.
pub fn count_in_kitchen(
    conn: &mut DbConn,
    id: &str,
    venue_id: &str,
    entering: bool,
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    let shard = id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % KITCHEN_LOAD_SHARDS;
    let on_shard = || {
        kitchen_load::venue_id
            .eq(venue_id)
            .and(kitchen_load::shard.eq(shard as i32))
    };
    // The statement that moves the load reads the order's make-minutes itself: on PostgreSQL
    // a round trip fewer for every order entering or leaving the kitchen.
    let minutes = || {
        orders::table
            .find(id)
            .select(orders::make_minutes)
            .single_value()
            .assume_not_null()
            .cast::<diesel::sql_types::BigInt>()
    };
    // The venue's row usually exists: an `UPDATE` kept prepared (diesel prepares every upsert
    // afresh, on the writer's thread), and the upsert only for its first order.
    struct AddToLoad;
    struct TakeFromLoad;
    let moved = if entering {
        crate::per_backend!(conn, |c| prepared_update::<AddToLoad, _, _, _>(
            kitchen_load::table,
            on_shard(),
            (
                kitchen_load::asap_orders.eq(kitchen_load::asap_orders + 1i64),
                kitchen_load::asap_minutes.eq(kitchen_load::asap_minutes + minutes()),
            ),
        )
        .execute(c))?
    } else {
        crate::per_backend!(conn, |c| prepared_update::<TakeFromLoad, _, _, _>(
            kitchen_load::table,
            on_shard(),
            (
                kitchen_load::asap_orders.eq(kitchen_load::asap_orders - 1i64),
                kitchen_load::asap_minutes.eq(kitchen_load::asap_minutes - minutes()),
            ),
        )
        .execute(c))?
    };
    if moved == 1 {
        return Ok(());
    }
    let minutes: i32 = crate::per_backend!(conn, |c| orders::table
        .find(id)
        .select(orders::make_minutes)
        .first(c))?;
    let sign = if entering { 1 } else { -1 };
    let (orders_by, minutes_by) = (sign, sign * i64::from(minutes));
    let row = (
        kitchen_load::venue_id.eq(venue_id),
        kitchen_load::shard.eq(shard as i32),
        kitchen_load::asap_orders.eq(orders_by),
        kitchen_load::asap_minutes.eq(minutes_by),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(kitchen_load::table)
        .values(row)
        .on_conflict((kitchen_load::venue_id, kitchen_load::shard))
        .do_update()
        .set((
            kitchen_load::asap_orders
                .eq(kitchen_load::asap_orders + excluded(kitchen_load::asap_orders)),
            kitchen_load::asap_minutes
                .eq(kitchen_load::asap_minutes + excluded(kitchen_load::asap_minutes)),
        ))
        .execute(c))?;
    Ok(())
}

/// What the venue's kitchen has in hand (orders paid, not ready yet): orders for as soon as
/// possible and their make-minutes, from the running sums [`count_in_kitchen`] keeps (a read
/// of a few rows however far behind the kitchen is), and the make-minutes of scheduled
/// orders due by `horizon`, summed by the database (the covering index
/// `ordering_orders_backlog` answers it from the range of those due, without reading the
/// orders or the ones for as soon as possible).
pub fn backlog(
    conn: &mut DbConn,
    venue_id: &str,
    horizon: NaiveDateTime,
) -> QueryResult<promise::Backlog> {
    use diesel::dsl::sum;
    let load: Vec<(i64, i64)> = kitchen_load::table
        .filter(kitchen_load::venue_id.eq(venue_id))
        .select((kitchen_load::asap_orders, kitchen_load::asap_minutes))
        .load(conn)?;
    let (asap, asap_minutes) = load.iter().fold((0, 0), |(n, m), (orders, minutes)| {
        (n + orders, m + minutes)
    });
    let due_minutes: Option<i64> = orders::table
        .filter(orders::venue_id.eq(venue_id))
        .filter(one_of(orders::status, in_kitchen_names()))
        .filter(orders::scheduled_for.le(horizon))
        .select(sum(orders::make_minutes))
        .get_result(conn)?;
    Ok(promise::Backlog::of_sums(
        asap,
        asap_minutes + due_minutes.unwrap_or(0),
    ))
}

/// The venue's orders for as soon as possible in the kitchen's hands, counted up to `up_to`
/// (a venue's cap: the count never needs to go further, so it costs at most that many rows).
pub fn asap_in_progress(conn: &mut DbConn, venue_id: &str, up_to: u32) -> QueryResult<u32> {
    let ids: Vec<String> = orders::table
        .filter(orders::venue_id.eq(venue_id))
        .filter(one_of(orders::status, in_kitchen_names()))
        .filter(orders::scheduled_for.is_null())
        .select(orders::id)
        .limit(i64::from(up_to))
        .load(conn)?;
    Ok(ids.len() as u32)
}

pub fn set_eta(conn: &mut DbConn, id: &str, eta: NaiveDateTime) -> QueryResult<()> {
    diesel::update(orders::table.filter(orders::id.eq(id)))
        .set(orders::eta.eq(eta))
        .execute(conn)?;
    Ok(())
}

pub fn set_tracking_code(conn: &mut DbConn, id: &str, code: &str) -> QueryResult<()> {
    diesel::update(orders::table.filter(orders::id.eq(id)))
        .set(orders::tracking_code.eq(code))
        .execute(conn)?;
    Ok(())
}
