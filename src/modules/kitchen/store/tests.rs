use super::*;
use crate::platform::config::DatabaseSettings;
use crate::platform::db::{Db, DbError};

/// A SQLite database with the kitchen's tables, in `dir`.
fn database(dir: &tempfile::TempDir) -> Db {
    let settings = DatabaseSettings::sqlite_for_tests(&dir.path().join("kitchen.db"), 1);
    Db::connect(&settings).unwrap()
}

fn ticket(id: &str) -> TicketRow {
    let now = chrono::Utc::now().naive_utc();
    TicketRow {
        id: id.into(),
        order_id: format!("ord_{id}"),
        status: ticket_status(TicketStatus::Queued),
        created_at: now,
        updated_at: now,
        release_at: None,
        venue_id: "ven_main".into(),
    }
}

fn line(ticket_id: &str, position: i32, name: &str, station: &str) -> LineRow {
    LineRow {
        id: format!("tln_{ticket_id}_{position}"),
        ticket_id: ticket_id.into(),
        position,
        station: station.into(),
        name: name.into(),
        quantity: 1,
        options: "[]".into(),
        status: line_status(LineStatus::Queued),
    }
}

fn names(ticket: &Ticket) -> Vec<&str> {
    ticket.lines.iter().map(|l| l.name.as_str()).collect()
}

#[actix_web::test]
async fn a_ticket_is_read_by_one_statement_with_its_lines_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir);
    db.write(|c| {
        // Stored out of their positions' order.
        let three = [
            line("tkt_a", 2, "juice", "bar"),
            line("tkt_a", 0, "espresso", "bar"),
            line("tkt_a", 1, "croissant", "pastry"),
        ];
        insert(c, &ticket("tkt_a"), &three)?;
        insert(c, &ticket("tkt_b"), &[line("tkt_b", 0, "tea", "bar")])?;
        Ok::<_, DbError>(())
    })
    .await
    .unwrap();

    let (found, statements, missing) = db
        .read(|c| {
            let DbConn::Sqlite(sqlite) = c else {
                unreachable!("a SQLite database")
            };
            let started = crate::platform::db::statements_started(sqlite);
            let found = find(c, "tkt_a")?;
            let statements = started.load(std::sync::atomic::Ordering::Relaxed);
            Ok::<_, DbError>((found, statements, find(c, "tkt_missing")?))
        })
        .await
        .unwrap();
    assert_eq!(
        statements, 1,
        "each statement is a round trip on PostgreSQL"
    );
    let found = found.expect("tkt_a is stored");
    assert_eq!(names(&found), ["espresso", "croissant", "juice"]);
    assert_eq!(found.order_id, "ord_tkt_a");
    assert!(missing.is_none());
}

#[actix_web::test]
async fn a_station_s_page_holds_its_tickets_with_only_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(&dir);
    db.write(|c| {
        insert(
            c,
            &ticket("tkt_a"),
            &[
                line("tkt_a", 0, "espresso", "bar"),
                line("tkt_a", 1, "croissant", "pastry"),
            ],
        )?;
        insert(c, &ticket("tkt_b"), &[line("tkt_b", 0, "scone", "pastry")])?;
        insert(c, &ticket("tkt_c"), &[line("tkt_c", 0, "tea", "bar")])?;
        Ok::<_, DbError>(())
    })
    .await
    .unwrap();
    let query = |station: Option<&str>| PageQuery {
        order_id: None,
        venue_ids: None,
        station: station.map(str::to_owned),
        status: None,
        after: None,
        limit: 10,
    };
    let (pastry, all) = db
        .read(move |c| Ok::<_, DbError>((page(c, query(Some("pastry")))?, page(c, query(None))?)))
        .await
        .unwrap();
    let pastry: Vec<_> = pastry.iter().map(|t| (t.id.as_str(), names(t))).collect();
    assert_eq!(
        pastry,
        [("tkt_a", vec!["croissant"]), ("tkt_b", vec!["scone"])]
    );
    let all: Vec<_> = all.iter().map(|t| (t.id.as_str(), names(t))).collect();
    assert_eq!(
        all,
        [
            ("tkt_a", vec!["espresso", "croissant"]),
            ("tkt_b", vec!["scone"]),
            ("tkt_c", vec!["tea"])
        ]
    );
}
