//! Where reads run: in place on SQLite while a reader is idle, handed over otherwise.

use std::thread::{self, ThreadId};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

use super::{Db, DbConn, DbError};
use crate::platform::config::DatabaseSettings;

fn sqlite(dir: &tempfile::TempDir, readers: u32) -> Db {
    sqlite_reading_in_place(dir, readers, true)
}

fn sqlite_reading_in_place(dir: &tempfile::TempDir, readers: u32, in_place: bool) -> Db {
    Db::connect(&DatabaseSettings {
        sqlite_reads_in_place: in_place,
        ..DatabaseSettings::sqlite_for_tests(&dir.path().join("reads.db"), readers)
    })
    .unwrap()
}

/// The thread a query ran on.
fn thread_of_query(c: &mut DbConn) -> Result<ThreadId, DbError> {
    c.batch_execute("SELECT 1")?;
    Ok(thread::current().id())
}

#[actix_web::test]
async fn a_read_runs_on_the_asking_thread_while_a_scan_is_handed_over() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(&dir, 2);
    let here = thread::current().id();

    assert_eq!(db.read(thread_of_query).await.unwrap(), here);
    assert_ne!(db.scan(thread_of_query).await.unwrap(), here);
}

#[actix_web::test]
async fn with_reads_in_place_off_every_read_is_handed_over_in_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_reading_in_place(&dir, 2, false);
    tallies_at_one(&db).await;
    let here = thread::current().id();

    assert_ne!(db.read(thread_of_query).await.unwrap(), here);
    assert_eq!(tally_twice_around_a_change(&db, &dir).await, (1, 1));
}

#[actix_web::test]
async fn a_read_waits_off_the_asking_thread_when_every_reader_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(&dir, 1);
    let (entered, wait_entered) = std::sync::mpsc::channel();
    let (release, wait_release) = std::sync::mpsc::channel::<()>();
    let holder = actix_web::rt::spawn({
        let db = db.clone();
        async move {
            db.scan(move |c| {
                entered.send(()).unwrap();
                wait_release.recv().unwrap();
                thread_of_query(c)
            })
            .await
        }
    });
    actix_web::rt::task::spawn_blocking(move || wait_entered.recv().unwrap())
        .await
        .unwrap();

    let read = actix_web::rt::spawn({
        let db = db.clone();
        async move { db.read(thread_of_query).await }
    });
    // The read is waiting for the one reader, and this thread is still free to run others.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(!read.is_finished());
    release.send(()).unwrap();

    holder.await.unwrap().unwrap();
    assert_ne!(read.await.unwrap().unwrap(), thread::current().id());
}

#[actix_web::test]
async fn a_read_that_panics_fails_alone_and_ends_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(&dir, 1);
    tallies_at_one(&db).await;

    let failed = db
        .read(|_: &mut DbConn| -> Result<(), DbError> { panic!("a bug in one query") })
        .await;

    assert!(matches!(failed, Err(DbError::Cancelled)));
    assert_eq!(db.read(tally).await.unwrap(), 1);
    tallies_at_two(&db).await;
    assert_eq!(
        db.read(tally).await.unwrap(),
        2,
        "the one reader went back to the pool with no transaction left open"
    );
}

#[actix_web::test]
async fn a_read_that_fails_answers_its_error_and_ends_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(&dir, 1);
    tallies_at_one(&db).await;

    let failed = db
        .read(|c: &mut DbConn| {
            tally(c)?;
            c.batch_execute("SELECT * FROM no_such_table")
                .map_err(DbError::from)
        })
        .await;

    assert!(
        matches!(&failed, Err(DbError::Query(e)) if e.to_string().contains("no_such_table")),
        "{failed:?}"
    );
    tallies_at_two(&db).await;
    assert_eq!(db.read(tally).await.unwrap(), 2);
}

#[actix_web::test]
async fn the_statements_of_one_read_see_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(&dir, 2);
    tallies_at_one(&db).await;

    assert_eq!(tally_twice_around_a_change(&db, &dir).await, (1, 1));
    assert_eq!(db.read(tally).await.unwrap(), 2);
}

async fn tallies_at_one(db: &Db) {
    db.write(|c| {
        c.batch_execute("CREATE TABLE tallies (n INTEGER NOT NULL); INSERT INTO tallies VALUES (1)")
            .map_err(DbError::from)
    })
    .await
    .unwrap();
}

/// Commits `n = 2` through the writer.
async fn tallies_at_two(db: &Db) {
    db.write(|c| {
        c.batch_execute("UPDATE tallies SET n = 2")
            .map_err(DbError::from)
    })
    .await
    .unwrap();
}

/// Reads the tally twice in one read, while another connection commits `n = 2` between them.
async fn tally_twice_around_a_change(db: &Db, dir: &tempfile::TempDir) -> (i64, i64) {
    let file = dir.path().join("reads.db").display().to_string();
    db.read(move |c| {
        let first = tally(c)?;
        let mut other = crate::platform::db::establish_sqlite(&file).unwrap();
        other.batch_execute("PRAGMA busy_timeout = 1000; UPDATE tallies SET n = 2")?;
        Ok::<_, DbError>((first, tally(c)?))
    })
    .await
    .unwrap()
}

fn tally(c: &mut DbConn) -> Result<i64, DbError> {
    Ok(diesel::sql_query("SELECT n FROM tallies")
        .get_result::<Tally>(c)?
        .n)
}

#[derive(diesel::QueryableByName)]
struct Tally {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// On PostgreSQL requests hold at most three of a pool of four connections: with them all
/// busy, a fourth request waits while the work an event asks for still gets a connection.
#[actix_web::test]
async fn on_postgres_event_work_gets_a_connection_while_requests_hold_theirs() {
    let Some((_schema, db)) = super::test_schema::postgres_db(4) else {
        return; // SQLite has no lanes: its one writer takes units in arrival order
    };
    let holders = super::test_schema::Holders::hold(&db, 3).await;
    let fourth = actix_web::rt::spawn({
        let db = db.clone();
        async move {
            db.read(|c| c.batch_execute("SELECT 1").map_err(DbError::from))
                .await
        }
    });
    let event_work = super::as_event_work(db.read(thread_of_query));
    tokio::time::timeout(std::time::Duration::from_secs(10), event_work)
        .await
        .expect("event work gets the connection requests leave")
        .unwrap();
    actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !fourth.is_finished(),
        "a fourth request waits for one of the three"
    );
    holders.release().await;
    tokio::time::timeout(std::time::Duration::from_secs(10), fourth)
        .await
        .expect("the fourth request goes in once one ends")
        .unwrap()
        .unwrap();
}
