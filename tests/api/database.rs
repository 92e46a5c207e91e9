//! The database set-up the rest relies on: SQLite pragmas, read-only readers, one writer that
//! never answers "database is locked", and foreign keys that hold.

use brigade::platform::config::SqliteSynchronous;
use brigade::platform::db::{Db, DbConn, DbError};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use futures_util::future::join_all;

use crate::support::{TestApp, test_settings};

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = Integer)]
    value: i32,
}

#[derive(QueryableByName)]
struct Word {
    #[diesel(sql_type = Text)]
    value: String,
}

fn sqlite_db(dir: &tempfile::TempDir, synchronous: &str) -> Db {
    let mut settings = test_settings(&format!("sqlite://{}", dir.path().join("p.db").display()));
    settings.database.sqlite_synchronous = match synchronous {
        "normal" => SqliteSynchronous::Normal,
        _ => SqliteSynchronous::Full,
    };
    Db::connect(&settings.database).unwrap()
}

/// `pragma`'s current value; `column` is the name SQLite gives its result column.
fn pragma_number(conn: &mut DbConn, pragma: &str, column: &str) -> i32 {
    let DbConn::Sqlite(c) = conn else {
        unreachable!("an SQLite test")
    };
    diesel::sql_query(format!("SELECT {column} AS value FROM pragma_{pragma}"))
        .get_result::<Number>(c)
        .unwrap()
        .value
}

#[actix_web::test]
async fn sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir, "full");
    let (sync, fk, busy, mode) = db
        .read(|conn| {
            let mode = {
                let DbConn::Sqlite(c) = conn else {
                    unreachable!()
                };
                diesel::sql_query("SELECT journal_mode AS value FROM pragma_journal_mode")
                    .get_result::<Word>(c)
                    .unwrap()
                    .value
            };
            Ok::<_, DbError>((
                pragma_number(conn, "synchronous", "synchronous"),
                pragma_number(conn, "foreign_keys", "foreign_keys"),
                pragma_number(conn, "busy_timeout", "timeout"),
                mode,
            ))
        })
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous=FULL");
    assert_eq!(fk, 1);
    assert_eq!(busy, 5000);

    let dir = tempfile::tempdir().unwrap();
    let relaxed = sqlite_db(&dir, "normal");
    let sync = relaxed
        .read(|conn| Ok::<_, DbError>(pragma_number(conn, "synchronous", "synchronous")))
        .await
        .unwrap();
    assert_eq!(sync, 1, "synchronous=NORMAL when configured");
}

#[actix_web::test]
async fn readers_cannot_write_and_foreign_keys_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir, "full");
    let read_write = db
        .read(|conn| {
            Ok::<_, DbError>(
                diesel::sql_query("DELETE FROM catalog_categories")
                    .execute(conn)
                    .is_err(),
            )
        })
        .await
        .unwrap();
    assert!(read_write, "reader connections are query-only");

    let orphan = db
        .write(|conn| {
            Ok::<_, DbError>(
                diesel::sql_query(
                    "INSERT INTO catalog_items VALUES ('itm_x', 'cat_missing', 'x', '', 1, 'EUR', \
                     1, 0, 'bar', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                )
                .execute(conn)
                .is_err(),
            )
        })
        .await
        .unwrap();
    assert!(orphan, "an item cannot point at a missing category");
}

#[actix_web::test]
async fn concurrent_writes_never_fail_with_database_is_locked() {
    let app = TestApp::spawn().await;
    let app = &app;
    let requests = (0..40).map(|i| {
        let email = format!("crowd{i}@example.com");
        async move { app.register(&email).await.status }
    });
    let statuses = join_all(requests).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
}
