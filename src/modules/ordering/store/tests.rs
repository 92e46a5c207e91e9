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
