use diesel::prelude::*;
use diesel::sql_types::Text;

use super::*;
use crate::modules::ordering::api::OrderPaymentStatus;
use crate::platform::config::DatabaseSettings;
use crate::platform::db::Db;
use crate::platform::db::test_schema::TestSchema;

#[derive(QueryableByName)]
struct PlanStep {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// A SQLite database with ordering's tables, in `dir`.
fn database(dir: &tempfile::TempDir) -> Db {
    let settings = DatabaseSettings::sqlite_for_tests(&dir.path().join("ordering.db"), 1);
    Db::connect(&settings).unwrap()
}

#[test]
fn the_unpaid_status_written_into_the_count_is_the_placed_one() {
    assert_eq!(UNPAID, format!("'{}'", status_name(OrderStatus::Placed)));
}

#[actix_web::test]
async fn a_customer_s_unpaid_orders_are_counted_through_the_partial_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir);
    let plan = db
        .read(|c| {
            let DbConn::Sqlite(c) = c else {
                unreachable!("a SQLite database")
            };
            let query =
                diesel::debug_query::<diesel::sqlite::Sqlite, _>(&unpaid_of("cus_1")).to_string();
            let sql = query.split(" -- binds").next().unwrap();
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .bind::<Text, _>("cus_1")
                .load::<PlanStep>(c)
                .map_err(crate::platform::db::DbError::from)
        })
        .await
        .unwrap();
    let steps: Vec<&str> = plan.iter().map(|s| s.detail.as_str()).collect();
    assert!(
        steps.iter().any(|s| s.contains("ordering_orders_unpaid")),
        "{steps:?}"
    );
    let none = db.read(|c| count_unpaid(c, "cus_1").map_err(crate::platform::db::DbError::from));
    assert_eq!(none.await.unwrap(), 0);
}

#[actix_web::test]
async fn the_unpaid_count_is_prepared_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir);
    let prepared = db
        .read(|c| {
            let DbConn::Sqlite(sqlite) = c else {
                unreachable!("a SQLite database")
            };
            let kept = crate::platform::db::statements_kept(sqlite);
            for customer in ["cus_1", "cus_2", "cus_1"] {
                count_unpaid(c, customer)?;
            }
            Ok::<_, crate::platform::db::DbError>(kept.lock().unwrap().clone())
        })
        .await
        .unwrap();
    let counts: Vec<_> = prepared
        .iter()
        .filter(|sql| sql.contains("COUNT("))
        .collect();
    assert_eq!(
        counts.len(),
        1,
        "prepared once, run three times: {prepared:?}"
    );
}

/// An order of `make_minutes` at venue `ven_1`, for as soon as possible.
fn order_row(id: &str, make_minutes: i32) -> OrderRow {
    let now = chrono::Utc::now().naive_utc();
    OrderRow {
        id: id.into(),
        customer_id: "cus_1".into(),
        status: status_name(OrderStatus::Paid),
        fulfillment: "{\"type\":\"pickup\"}".into(),
        note: String::new(),
        subtotal: 450,
        tax: 0,
        delivery_fee: 0,
        total: 450,
        currency: "EUR".into(),
        tracking_code: None,
        version: 1,
        created_at: now,
        updated_at: now,
        request_key: None,
        venue_id: "ven_1".into(),
        scheduled_for: None,
        make_minutes,
        prep_minutes: make_minutes,
        promised_at: None,
        eta: None,
    }
}

#[actix_web::test]
async fn the_kitchen_s_load_moves_by_each_order_s_make_minutes_read_by_the_statement_that_moves_it()
{
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir);
    let (both, one, prepared) = db
        .write(|c| {
            insert(c, &order_row("ord_a", 7), &[])?;
            insert(c, &order_row("ord_b", 3), &[])?;
            let DbConn::Sqlite(sqlite) = c else {
                unreachable!("a SQLite database")
            };
            let kept = crate::platform::db::statements_kept(sqlite);
            let horizon = chrono::Utc::now().naive_utc();
            // In, out and in again: the first creates the shard's row, the others update it.
            count_in_kitchen(c, "ord_a", "ven_1", true)?;
            count_in_kitchen(c, "ord_a", "ven_1", false)?;
            count_in_kitchen(c, "ord_a", "ven_1", true)?;
            count_in_kitchen(c, "ord_b", "ven_1", true)?;
            let both = backlog(c, "ven_1", horizon)?;
            count_in_kitchen(c, "ord_b", "ven_1", false)?;
            let one = backlog(c, "ven_1", horizon)?;
            Ok::<_, crate::platform::db::DbError>((both, one, kept.lock().unwrap().clone()))
        })
        .await
        .unwrap();
    assert_eq!((both.asap, both.make_minutes), (2, 10));
    assert_eq!((one.asap, one.make_minutes), (1, 7));
    let updates: Vec<_> = prepared
        .iter()
        .filter(|sql| sql.starts_with("UPDATE") && sql.contains("ordering_kitchen_load"))
        .collect();
    assert_eq!(
        updates.len(),
        2,
        "one statement to add, one to take off, each prepared once: {prepared:?}"
    );
    assert!(
        updates
            .iter()
            .all(|sql| sql.contains("SELECT `ordering_orders`.`make_minutes`")),
        "each reads the order's make-minutes itself: {updates:?}"
    );
}

fn line(name: &str) -> OrderLine {
    OrderLine {
        id: format!("lin_{name}"),
        item_id: format!("itm_{name}"),
        name: name.into(),
        quantity: 1,
        unit_price: 150,
        options: Vec::new(),
        line_total: 150,
        station: "bar".into(),
    }
}

fn charge(id: &str, status: OrderPaymentStatus) -> OrderPayment {
    OrderPayment {
        id: id.into(),
        status,
        amount: 450,
        refunded_amount: 0,
        currency: "EUR".into(),
        failure_reason: None,
    }
}

#[actix_web::test]
async fn an_order_is_read_by_one_statement_with_each_line_and_each_charge_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir);
    db.write(|c| {
        let three: Vec<_> = ["espresso", "croissant", "juice"]
            .iter()
            .enumerate()
            .map(|(i, name)| LineRow::new("ord_a", i, &line(name)))
            .collect();
        insert(c, &order_row("ord_a", 5), &three)?;
        insert(
            c,
            &order_row("ord_b", 5),
            &[LineRow::new("ord_b", 0, &line("tea"))],
        )?;
        let now = chrono::Utc::now().naive_utc();
        // Settled out of their ids' order: a decline, then the capture that followed it.
        settle_payment(
            c,
            "ord_a",
            &charge("pay_2", OrderPaymentStatus::Failed),
            now,
        )?;
        settle_payment(
            c,
            "ord_a",
            &charge("pay_1", OrderPaymentStatus::Captured),
            now,
        )?;
        Ok::<_, crate::platform::db::DbError>(())
    })
    .await
    .unwrap();

    let (found, statements, followed, other, missing, (together, statements_together)) = db
        .read(|c| {
            let DbConn::Sqlite(sqlite) = c else {
                unreachable!("a SQLite database")
            };
            let started = crate::platform::db::statements_started(sqlite);
            let count = || started.load(std::sync::atomic::Ordering::Relaxed);
            let found = find(c, "ord_a")?;
            let statements = count();
            // A round of readers asking for orders by id (PostgreSQL's `ByKeys`).
            let together = find_many(c, &["ord_b", "ord_missing", "ord_a"].map(String::from))?;
            let together = (together, count() - statements);
            Ok::<_, crate::platform::db::DbError>((
                found,
                statements,
                find_to_follow(c, "ord_a")?,
                find(c, "ord_b")?,
                find(c, "ord_missing")?,
                together,
            ))
        })
        .await
        .unwrap();
    assert_eq!(
        (statements, statements_together),
        (1, 1),
        "each statement is a round trip on PostgreSQL"
    );
    let names = |order: &Order| {
        order
            .lines
            .iter()
            .map(|l| l.name.clone())
            .collect::<Vec<_>>()
    };
    let found = found.expect("ord_a is stored");
    // Three lines and two charges make six joined rows: each line and charge comes once.
    assert_eq!(names(&found), ["espresso", "croissant", "juice"]);
    let charges: Vec<_> = found
        .payments
        .iter()
        .map(|p| (p.id.as_str(), p.status))
        .collect();
    assert_eq!(
        charges,
        [
            ("pay_1", OrderPaymentStatus::Captured),
            ("pay_2", OrderPaymentStatus::Failed)
        ]
    );
    let followed = followed.expect("ord_a is stored");
    assert_eq!(names(&followed), ["espresso", "croissant", "juice"]);
    assert!(followed.payments.is_empty(), "following needs no charges");
    let other = other.expect("ord_b is stored");
    assert_eq!(
        (names(&other), other.payments.len()),
        (vec!["tea".to_owned()], 0)
    );
    assert!(missing.is_none());
    // Each asked order once, whole, as reading it alone gives it; the unknown one left out.
    let together: Vec<_> = together.iter().map(|(id, order)| (id, order)).collect();
    assert_eq!(together, [(&other.id, &other), (&found.id, &found)]);
}

/// SQLite always; PostgreSQL too, in a schema of its own, when `TEST_DATABASE_URL` names
/// one (its schema dropped when the test ends).
fn databases(dir: &tempfile::TempDir) -> Vec<(Db, Option<TestSchema>)> {
    let mut all = vec![(database(dir), None)];
    if let Some(schema) = TestSchema::create() {
        let mut settings = DatabaseSettings::sqlite_for_tests(&dir.path().join("unused.db"), 1);
        settings.url = schema.url.clone();
        all.push((Db::connect(&settings).unwrap(), Some(schema)));
    }
    all
}

#[actix_web::test]
async fn customers_latest_orders_asked_for_together_are_each_customer_s_own() {
    let dir = tempfile::tempdir().unwrap();
    for (db, schema) in databases(&dir) {
        db.write(|c| {
            for (id, customer) in [
                ("ord_1a", "cus_1"),
                ("ord_2a", "cus_2"),
                ("ord_1b", "cus_1"),
                ("ord_1c", "cus_1"),
            ] {
                let mut row = order_row(id, 5);
                row.customer_id = customer.into();
                insert(c, &row, &[LineRow::new(id, 0, &line(id))])?;
            }
            Ok::<_, crate::platform::db::DbError>(())
        })
        .await
        .unwrap();

        let wanted = [("cus_1", 2), ("cus_2", 5), ("cus_3", 1), ("cus_1", 1)]
            .map(|(customer, n)| (customer.to_owned(), n));
        let found = db
            .read(move |c| latest_of_each(c, &wanted).map_err(crate::platform::db::DbError::from))
            .await
            .unwrap();
        let found: Vec<_> = found
            .iter()
            .map(|((customer, n), orders)| {
                let orders: Vec<_> = orders
                    .iter()
                    .map(|o| (o.id.as_str(), o.customer_id.as_str(), o.lines.len()))
                    .collect();
                (customer.as_str(), *n, orders)
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "cus_1",
                    2,
                    vec![("ord_1c", "cus_1", 1), ("ord_1b", "cus_1", 1)]
                ),
                ("cus_2", 5, vec![("ord_2a", "cus_2", 1)]),
                ("cus_3", 1, vec![]),
                ("cus_1", 1, vec![("ord_1c", "cus_1", 1)]),
            ]
        );
        drop((db, schema));
    }
}
