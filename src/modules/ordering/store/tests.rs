use diesel::prelude::*;
use diesel::sql_types::Text;

use super::*;
use crate::platform::config::DatabaseSettings;
use crate::platform::db::Db;

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
