//! The dispatcher against a real SQLite database and a scripted consumer: order, retries,
//! dead letters, re-drive, and no loss across a restart.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use diesel::connection::SimpleConnection;

use super::*;
use crate::platform::config::{DatabaseSettings, EventSettings, PLATFORM_DEFAULTS};
use crate::platform::db::Db;

#[allow(dead_code)]
mod probe {
    crate::event_tables!("probe", outbox = probe_outbox, inbox = probe_inbox);
}

const PROBE_TABLES: &str = "
    CREATE TABLE probe_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,
        event_type TEXT NOT NULL, version INTEGER NOT NULL, aggregate_id TEXT NOT NULL,
        occurred_at TIMESTAMP NOT NULL, payload TEXT NOT NULL);
    CREATE TABLE probe_inbox (event_id TEXT PRIMARY KEY NOT NULL, handled_at TIMESTAMP NOT NULL)
        WITHOUT ROWID;";

/// The probe's tables on PostgreSQL, positions drawn as its modules' outboxes draw them.
const POSTGRES_PROBE_TABLES: &str = "
    CREATE TABLE probe_outbox (seq BIGINT PRIMARY KEY DEFAULT brigade_outbox_position(),
        id TEXT NOT NULL, event_type TEXT NOT NULL, version INTEGER NOT NULL,
        aggregate_id TEXT NOT NULL, occurred_at TIMESTAMP NOT NULL, payload TEXT NOT NULL);
    CREATE TABLE probe_inbox (event_id TEXT PRIMARY KEY, handled_at TIMESTAMP NOT NULL);";

/// Records what it saw as `aggregate/n`; fails an event whose payload says `"fail": k` its
/// first k times (unless `forgiving`), and keeps one that says `"hold": true` in hand until
/// `let_go` is notified.
#[derive(Default)]
struct Consumer {
    seen: Mutex<Vec<String>>,
    failures: Mutex<std::collections::HashMap<String, u64>>,
    forgiving: AtomicUsize,
    handled: Mutex<std::collections::HashSet<String>>,
    holding: AtomicUsize,
    let_go: tokio::sync::Notify,
}

impl Consumer {
    fn seen_of(&self, aggregate: &str) -> Vec<String> {
        let prefix = format!("{aggregate}/");
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.starts_with(&prefix))
            .cloned()
            .collect()
    }
}

#[async_trait]
impl EventHandler for Consumer {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        let fail_times = event.payload["fail"].as_u64().unwrap_or(0);
        {
            let mut failures = self.failures.lock().unwrap();
            let failed = failures.entry(event.id.clone()).or_default();
            if *failed < fail_times && self.forgiving.load(Ordering::SeqCst) == 0 {
                *failed += 1;
                return Err(format!("refusing {}", event.aggregate_id));
            }
        }
        if event.payload["panic"] == true {
            panic!("cannot stand {}", event.aggregate_id);
        }
        if event.payload["hold"] == true {
            self.holding.fetch_add(1, Ordering::SeqCst);
            self.let_go.notified().await;
        }
        // Yield, so concurrently handled aggregates really interleave.
        actix_web::rt::time::sleep(Duration::from_millis(1)).await;
        // Reads version 1 only, like every real consumer says which versions it reads.
        let payload: serde_json::Value = event.payload(&[1])?;
        // Like a real consumer's inbox: a redelivery changes nothing.
        if !self.handled.lock().unwrap().insert(event.id.clone()) {
            return Ok(());
        }
        let n = payload["n"].as_u64().unwrap_or(0);
        self.seen
            .lock()
            .unwrap()
            .push(format!("{}/{n}", event.aggregate_id));
        Ok(())
    }
}

/// The platform's own sections are all the dispatcher needs.
#[derive(serde::Deserialize)]
struct Settings {
    database: DatabaseSettings,
    events: EventSettings,
}

fn settings(dir: &tempfile::TempDir) -> Settings {
    let url = format!("sqlite://{}", dir.path().join("events.db").display());
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BRIGADE_EVENTS__POLL_INTERVAL_MS", "10"),
        ("BRIGADE_EVENTS__RETRY_BASE_MS", "5"),
        ("BRIGADE_EVENTS__RETRY_MAX_MS", "20"),
        ("BRIGADE_EVENTS__MAX_ATTEMPTS", "3"),
    ];
    let env = env.map(|(k, v)| (k.to_owned(), v.to_owned()));
    crate::platform::config::load(PLATFORM_DEFAULTS, None, env).unwrap()
}

/// A database with the probe module's outbox and inbox.
async fn probe_db(s: &Settings) -> Db {
    let db = Db::connect(&s.database).unwrap();
    db.write(|c| {
        c.batch_execute(PROBE_TABLES)
            .map_err(crate::platform::db::DbError::from)
    })
    .await
    .unwrap();
    db
}

/// A probe database on the PostgreSQL of `TEST_DATABASE_URL` (the platform's default pool of
/// eight), in a schema of its own that lives as long as the first value; `None` without one.
async fn postgres_probe_db() -> Option<(crate::platform::db::test_schema::TestSchema, Db)> {
    let (schema, db) = crate::platform::db::test_schema::postgres_db(8)?;
    db.write(|c| {
        c.batch_execute(POSTGRES_PROBE_TABLES)
            .map_err(crate::platform::db::DbError::from)
    })
    .await
    .unwrap();
    Some((schema, db))
}

/// The probe's outbox once it holds `n` final events. On PostgreSQL an event is final once
/// every older transaction on the server has ended, and other tests' may still be open.
async fn final_events(db: &Db, n: usize) -> Vec<StoredEvent> {
    let read = || {
        db.read(|c| {
            probe::Outbox
                .after(c, 0, 10)
                .map_err(crate::platform::db::DbError::from)
        })
    };
    let mut page = read().await.unwrap();
    for _ in 0..500 {
        if page.events.len() >= n {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        page = read().await.unwrap();
    }
    page.events
}

/// A probe database (in the directory returned first) and one consumer of `probe.happened`,
/// with its bus not yet running.
async fn probe() -> (tempfile::TempDir, Db, Arc<Consumer>, EventBus) {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(&dir);
    let db = probe_db(&s).await;
    let consumer = Arc::new(Consumer::default());
    let bus = bus(&db, &s, consumer.clone(), &["probe.happened"]);
    (dir, db, consumer, bus)
}

async fn publish(db: &Db, events: Vec<Event>) {
    db.write(move |c| {
        probe::Outbox
            .append(c, &events)
            .map_err(crate::platform::db::DbError::from)
    })
    .await
    .unwrap();
}

fn bus(db: &Db, s: &Settings, consumer: Arc<Consumer>, types: &'static [&'static str]) -> EventBus {
    EventBus::new(
        db.clone(),
        s.events.clone(),
        Wake::default(),
        vec![Arc::new(probe::Outbox)],
        vec![Subscription {
            consumer: "test",
            producer: "probe",
            event_types: types,
            handler: consumer,
        }],
    )
}

fn happened(aggregate: &str, payload: serde_json::Value) -> Event {
    Event::new("probe.happened", 1, aggregate, &payload)
}

/// `x/2` fails twice before it goes through, `z` always fails, and one event is of a type
/// the consumer does not subscribe to.
fn scripted() -> Vec<Event> {
    vec![
        happened("x", serde_json::json!({"n": 1})),
        Event::new("probe.ignored", 1, "x", &serde_json::json!({"n": 99})),
        happened("x", serde_json::json!({"n": 2, "fail": 2})),
        happened("y", serde_json::json!({"n": 1})),
        happened("x", serde_json::json!({"n": 3})),
        happened("z", serde_json::json!({"n": 1, "fail": 99})),
        happened("y", serde_json::json!({"n": 2})),
    ]
}

/// Runs `bus` until the [`scripted`] events went through and `z` was dead-lettered, checks
/// each aggregate arrived in order (though `x/2` needed three tries), that the unsubscribed
/// type never arrived and `z` was never handled, then stops it cleanly (handing the
/// subscription over at once; a kill leaves a 10 s lease). Returns the dead letters.
async fn deliver_the_script_then_stop(bus: &EventBus, consumer: &Consumer) -> Vec<DeadLetter> {
    let running = actix_web::rt::spawn(bus.clone().run());
    until("delivery", || {
        consumer.seen_of("x").len() == 3 && consumer.seen_of("y").len() == 2
    })
    .await;
    until_dead_lettered(bus).await;
    assert_eq!(consumer.seen_of("x"), ["x/1", "x/2", "x/3"]);
    assert_eq!(consumer.seen_of("y"), ["y/1", "y/2"]);
    assert!(consumer.seen_of("z").is_empty());
    stop(bus, running).await;
    bus.dead_letters(None, 10).await.unwrap()
}

/// The dispatcher's dead letters, once there is one.
async fn until_dead_lettered(bus: &EventBus) -> Vec<DeadLetter> {
    for _ in 0..500 {
        let letters = bus.dead_letters(None, 10).await.unwrap();
        if !letters.is_empty() {
            return letters;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for a dead letter");
}

/// Stops `running` (the dispatcher's task) and hands its subscriptions over at once.
async fn stop(bus: &EventBus, running: actix_web::rt::task::JoinHandle<()>) {
    running.abort();
    let _ = running.await;
    bus.release().await;
}

async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[actix_web::test]
async fn events_arrive_in_order_failures_retry_then_dead_letter_and_redrive() {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(&dir);
    let db = probe_db(&s).await;

    let consumer = Arc::new(Consumer::default());
    publish(&db, scripted()).await;
    let first = bus(&db, &s, consumer.clone(), &["probe.happened"]);
    // `z` kept failing and was dead-lettered after 3 attempts.
    let letters = deliver_the_script_then_stop(&first, &consumer).await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].event.aggregate_id, "z");
    assert_eq!(letters[0].subscription, "test<-probe");
    assert_eq!(letters[0].attempts, 3);
    assert!(letters[0].error.contains("refusing z"));

    // Let `z` through now, and re-drive it; a second re-drive is refused.
    consumer.forgiving.store(1, Ordering::SeqCst);
    let b = bus(&db, &s, consumer.clone(), &["probe.happened"]);
    let redriven = b.redrive(&letters[0].id).await.unwrap();
    assert!(redriven.redriven_at.is_some());
    assert!(matches!(
        b.redrive(&letters[0].id).await,
        Err(RedriveError::AlreadyRedriven(_))
    ));
    assert_eq!(consumer.seen_of("z"), ["z/1"]);

    // A new dispatcher (a restart) starts where the last one stopped: nothing twice.
    publish(&db, vec![happened("x", serde_json::json!({"n": 4}))]).await;
    let again = actix_web::rt::spawn(b.clone().run());
    until("the event after the restart", || {
        consumer.seen_of("x").len() == 4
    })
    .await;
    actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    again.abort();
    assert_eq!(
        consumer.seen.lock().unwrap().len(),
        3 + 2 + 1 + 1,
        "nothing handled twice"
    );
    let cursors = b.cursors().await.unwrap();
    assert_eq!(cursors[0].position, 8);
    assert_eq!(cursors[0].attempts, 0);
}

/// Events trickling in one at a time, each after the outbox went quiet, move the cursor in
/// memory: it is saved once a second at most while they come (a save at every quiet moment
/// cost the database a write per event), once it is due while the outbox stays quiet, and
/// by a process stopping, so a restart carries on where it got.
#[actix_web::test]
async fn a_cursor_is_saved_once_a_second_at_most_once_due_and_when_its_process_stops() {
    let (_dir, db, consumer, bus) = probe().await;
    let running = actix_web::rt::spawn(bus.clone().run());
    until("the cursor taken", || db.operations().1 >= 2).await;
    let (began, (_, writes_before)) = (std::time::Instant::now(), db.operations());
    let trickle = 20;
    for n in 1..=trickle {
        publish(&db, vec![happened("t", serde_json::json!({"n": n}))]).await;
        until("the event", || consumer.seen_of("t").len() == n).await;
        // Twice the poll interval: the outbox is quiet before the next one comes.
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let saves = db.operations().1 - writes_before - trickle as u64;
    let seconds = began.elapsed().as_secs_f64();
    // One save a second, one for the first event, and a lease renewed.
    assert!(
        saves as f64 <= seconds.ceil() + 2.0,
        "{saves} cursor saves for {trickle} events in {seconds:.2} s"
    );

    let saved = |position: i64| {
        let bus = bus.clone();
        async move {
            for _ in 0..300 {
                if bus.cursors().await.unwrap()[0].position == position {
                    return;
                }
                actix_web::rt::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("the cursor was not saved at {position}");
        }
    };
    saved(trickle as i64).await;

    publish(&db, vec![happened("t", serde_json::json!({"n": 21}))]).await;
    until("the last event", || consumer.seen_of("t").len() == 21).await;
    stop(&bus, running).await;
    assert_eq!(bus.cursors().await.unwrap()[0].position, 21);
}

#[actix_web::test]
async fn a_payload_version_the_consumer_does_not_read_is_dead_lettered_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(&dir);
    let db = probe_db(&s).await;
    let consumer = Arc::new(Consumer::default());
    publish(
        &db,
        vec![
            Event::new("probe.happened", 1, "v", &serde_json::json!({"n": 1})),
            Event::new("probe.happened", 2, "w", &serde_json::json!({"n": 1})),
        ],
    )
    .await;
    let dispatcher = bus(&db, &s, consumer.clone(), &["probe.happened"]);
    let running = actix_web::rt::spawn(dispatcher.clone().run());
    until_dead_lettered(&dispatcher).await;
    running.abort();
    let _ = running.await;
    assert_eq!(consumer.seen_of("v"), ["v/1"]);
    assert!(
        consumer.seen_of("w").is_empty(),
        "a v2 payload was read as v1"
    );
    let letters = dispatcher.dead_letters(None, 10).await.unwrap();
    assert_eq!(letters[0].event.version, 2);
    assert!(
        letters[0].error.contains("reads only versions [1]"),
        "{}",
        letters[0].error
    );
}

#[actix_web::test]
async fn a_consumer_handles_an_event_once_and_publishes_in_the_same_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(&dir);
    let db = probe_db(&s).await;
    let wake = Wake::default();
    let event = Event::new("probe.happened", 1, "a", &serde_json::json!({"n": 1}));
    let answer = |n: i32| {
        move |_: &mut crate::platform::db::DbConn, out: &mut Outgoing| {
            out.publish(Event::new(
                "probe.answered",
                1,
                "a",
                &serde_json::json!({"n": n}),
            ));
            Ok::<_, crate::platform::db::DbError>(n)
        }
    };
    // A failing attempt rolls back its inbox record and what it published...
    let failed = probe::TABLES
        .consume(&db, &wake, &event, |_, out| {
            out.publish(Event::new("probe.answered", 1, "a", &serde_json::json!({})));
            Err::<(), _>(crate::platform::db::DbError::Migration("boom".into()))
        })
        .await;
    assert!(failed.is_err());
    // ...so the retry runs; a redelivery after it does not.
    let first = probe::TABLES.consume(&db, &wake, &event, answer(1)).await;
    let again = probe::TABLES.consume(&db, &wake, &event, answer(2)).await;
    assert_eq!((first, again), (Ok(Some(1)), Ok(None)));
    let published = db
        .read(|c| {
            probe::Outbox
                .after(c, 0, 10)
                .map(|page| page.events)
                .map_err(crate::platform::db::DbError::from)
        })
        .await
        .unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].event.payload["n"], 1);
}

/// Several subscriptions on one outbox, woken by the same commits, share its pages; each
/// still gets exactly the events it subscribes to, each aggregate in order.
#[actix_web::test]
async fn subscriptions_sharing_an_outbox_each_get_their_own_events_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = settings(&dir);
    let db = probe_db(&s).await;
    let wake = Wake::default();
    let (first, second, other) = (
        Arc::new(Consumer::default()),
        Arc::new(Consumer::default()),
        Arc::new(Consumer::default()),
    );
    let subscription = |consumer: &'static str, handler: &Arc<Consumer>, types| Subscription {
        consumer,
        producer: "probe",
        event_types: types,
        handler: handler.clone(),
    };
    let bus = EventBus::new(
        db.clone(),
        s.events.clone(),
        wake.clone(),
        vec![Arc::new(probe::Outbox)],
        vec![
            subscription("first", &first, &["probe.happened"]),
            subscription("second", &second, &["probe.happened"]),
            subscription("other", &other, &["probe.ignored"]),
        ],
    );
    let running = actix_web::rt::spawn(bus.clone().run());
    let producer = wake.of("probe");
    for n in 1..=20 {
        let aggregate = if n % 2 == 0 { "x" } else { "y" };
        publish(
            &db,
            vec![
                happened(aggregate, serde_json::json!({"n": n})),
                Event::new("probe.ignored", 1, aggregate, &serde_json::json!({"n": n})),
            ],
        )
        .await;
        producer.published();
    }
    let all_arrived = || {
        [&first, &second, &other]
            .iter()
            .all(|c| c.seen_of("x").len() == 10 && c.seen_of("y").len() == 10)
    };
    until("every subscription's events", all_arrived).await;
    let evens: Vec<String> = (1..=10).map(|k| format!("x/{}", 2 * k)).collect();
    let odds: Vec<String> = (1..=10).map(|k| format!("y/{}", 2 * k - 1)).collect();
    for consumer in [&first, &second, &other] {
        assert_eq!(consumer.seen_of("x"), evens);
        assert_eq!(consumer.seen_of("y"), odds);
    }
    stop(&bus, running).await;
}

/// An event committed while the consumer is still busy with an earlier batch goes out at
/// once, unless it is about an aggregate whose earlier event is still in the consumer's hands.
#[actix_web::test]
async fn a_slow_event_holds_up_only_its_own_aggregate() {
    let (_dir, db, consumer, bus) = probe().await;
    let running = actix_web::rt::spawn(bus.clone().run());
    publish(
        &db,
        vec![happened("x", serde_json::json!({"n": 1, "hold": true}))],
    )
    .await;
    until("x/1 in the consumer's hands", || {
        consumer.holding.load(Ordering::SeqCst) == 1
    })
    .await;

    publish(&db, vec![happened("y", serde_json::json!({"n": 1}))]).await;
    until("y/1, though x/1 is not done", || {
        consumer.seen_of("y").len() == 1
    })
    .await;
    publish(&db, vec![happened("x", serde_json::json!({"n": 2}))]).await;
    // Read by now (the poll is 10 ms), and kept for after x/1.
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    assert!(consumer.seen_of("x").is_empty(), "x/2 must wait for x/1");

    consumer.let_go.notify_one();
    until("x/1 and x/2", || consumer.seen_of("x").len() == 2).await;
    assert_eq!(consumer.seen_of("x"), ["x/1", "x/2"]);
    assert_eq!(consumer.seen_of("y"), ["y/1"]);
    stop(&bus, running).await;
}

/// A consumer that panics on an event fails on that event alone: it is retried, then
/// dead-lettered with what the panic said, and the events around it go through.
#[actix_web::test]
async fn a_consumer_panicking_on_an_event_dead_letters_that_event_only() {
    let (_dir, db, consumer, bus) = probe().await;
    publish(
        &db,
        vec![
            happened("x", serde_json::json!({"n": 1})),
            happened("y", serde_json::json!({"n": 1, "panic": true})),
            happened("x", serde_json::json!({"n": 2})),
        ],
    )
    .await;
    let running = actix_web::rt::spawn(bus.clone().run());
    until("x/1 and x/2", || consumer.seen_of("x").len() == 2).await;
    let dead = until_dead_lettered(&bus).await;
    assert_eq!(dead.len(), 1, "one dead letter");
    assert_eq!(dead[0].event.aggregate_id, "y");
    assert_eq!(dead[0].error, "the consumer panicked: cannot stand y");
    assert_eq!(consumer.seen_of("x"), ["x/1", "x/2"]);
    stop(&bus, running).await;
}

/// The same dispatcher over NATS JetStream, producer and consumer on databases of their own:
/// each aggregate in order through retries, a failing event dead-lettered in the consumer's
/// database and re-driven there, and a restarted consumer resuming where it stopped.
#[actix_web::test]
async fn over_jetstream_each_side_keeps_its_own_database_and_nothing_is_lost_or_doubled() {
    let (producer_dir, consumer_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let prefix = format!(
        "u{}",
        crate::platform::ids::new_id("").trim_start_matches('_')
    );
    let over_broker = |dir: &tempfile::TempDir| {
        let mut s = settings(dir);
        s.events.transport = crate::platform::config::EventTransport::Jetstream;
        s.events.stream_prefix = prefix.chars().take(32).collect();
        s.events.stream_storage = crate::platform::config::StreamStorage::Memory;
        s
    };
    let (ps, cs) = (over_broker(&producer_dir), over_broker(&consumer_dir));
    let producer_db = probe_db(&ps).await;
    let consumer_db = Db::connect(&cs.database).unwrap();
    let relay = EventBus::new(
        producer_db.clone(),
        ps.events.clone(),
        Wake::default(),
        vec![Arc::new(probe::Outbox)],
        Vec::new(),
    );
    let consumer = Arc::new(Consumer::default());
    let receiving = |consumer: Arc<Consumer>| {
        EventBus::new(
            consumer_db.clone(),
            cs.events.clone(),
            Wake::default(),
            Vec::new(),
            vec![Subscription {
                consumer: "test",
                producer: "probe",
                event_types: &["probe.happened"],
                handler: consumer,
            }],
        )
    };
    publish(&producer_db, scripted()).await;
    let relaying = actix_web::rt::spawn(relay.clone().run());
    let first = receiving(consumer.clone());
    // The dead letter is the consumer's, in its own database.
    let letters = deliver_the_script_then_stop(&first, &consumer).await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].event.aggregate_id, "z");
    assert_eq!(letters[0].attempts, 3);
    assert!(letters[0].error.contains("refusing z"));
    consumer.forgiving.store(1, Ordering::SeqCst);
    let restarted = receiving(consumer.clone());
    assert!(
        restarted
            .redrive(&letters[0].id)
            .await
            .unwrap()
            .redriven_at
            .is_some()
    );
    assert_eq!(consumer.seen_of("z"), ["z/1"]);

    // Written while the consumer was stopped; it resumes where its durable consumer stopped.
    publish(
        &producer_db,
        vec![happened("x", serde_json::json!({"n": 4}))],
    )
    .await;
    let again = actix_web::rt::spawn(restarted.clone().run());
    until("the event after the restart", || {
        consumer.seen_of("x").len() == 4
    })
    .await;
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    again.abort();
    relaying.abort();
    assert_eq!(
        consumer.seen.lock().unwrap().len(),
        3 + 2 + 1 + 1,
        "nothing handled twice"
    );
    let relayed = relay.cursors().await.unwrap();
    assert_eq!(relayed[0].subscription, "jetstream<-probe");
    assert_eq!(
        relayed[0].position, 8,
        "the relay moved past every acked event"
    );
}

/// A transaction's events keep their order, and on PostgreSQL, where each statement is a
/// round trip, they go into the outbox by one statement however many they are.
#[actix_web::test]
async fn a_transaction_s_events_go_in_in_order_by_one_statement_on_postgres() {
    use crate::platform::db::DbError;
    let dir = tempfile::tempdir().unwrap();
    let mut databases = vec![(probe_db(&settings(&dir)).await, 3)];
    let postgres = postgres_probe_db().await;
    if let Some((_, db)) = &postgres {
        databases.push((db.clone(), 1));
    }
    for (db, statements) in databases {
        let events: Vec<Event> = (1..=3)
            .map(|n| happened("a", serde_json::json!({ "n": n })))
            .collect();
        let appended = db
            .write(move |c| {
                let started =
                    crate::per_backend!(c, |c| { crate::platform::db::statements_started(c) });
                probe::Outbox.append(c, &events)?;
                Ok::<_, DbError>(started.load(Ordering::Relaxed))
            })
            .await
            .unwrap();
        assert_eq!(appended, statements);
        let order: Vec<_> = final_events(&db, 3)
            .await
            .iter()
            .map(|e| e.event.payload["n"].clone())
            .collect();
        assert_eq!(order, [1, 2, 3]);
    }
}

/// On PostgreSQL appends take no lock, so a younger transaction can commit before an older
/// one that appended first: its events wait until the older one ends, and a reader never
/// passes a position where an event is still to appear.
#[actix_web::test]
async fn on_postgres_a_reader_never_passes_an_event_an_open_transaction_will_commit() {
    use crate::platform::db::{DbConn, establish_postgres};
    let Some((schema, db)) = postgres_probe_db().await else {
        return; // one writer at a time on SQLite: commit order is append order there
    };
    let url = schema.url.clone();
    let read = || {
        db.read(|c| {
            let page = probe::Outbox.after(c, 0, 10)?;
            Ok::<_, crate::platform::db::DbError>((page, probe::Outbox.head(c)?))
        })
    };

    let mut older = DbConn::Postgres(establish_postgres(&url).unwrap());
    older.batch_execute("BEGIN").unwrap();
    probe::Outbox
        .append(&mut older, &[happened("a", serde_json::json!({"n": 1}))])
        .unwrap();
    let younger = publish(&db, vec![happened("b", serde_json::json!({"n": 2}))]);
    tokio::time::timeout(Duration::from_secs(10), younger)
        .await
        .expect("a younger append commits while an older one is open");
    let (page, head_while_open) = read().await.unwrap();
    assert!(page.events.is_empty(), "{:?}", page.events);
    assert!(page.held_back);

    older.batch_execute("COMMIT").unwrap();
    let events = final_events(&db, 2).await;
    let order: Vec<_> = events
        .iter()
        .map(|e| e.event.payload["n"].clone())
        .collect();
    assert_eq!(
        order,
        [1, 2],
        "in commit horizon order, older transaction first"
    );
    assert!(events[0].seq < events[1].seq);
    assert!(
        head_while_open < events[0].seq,
        "a reader starting while it was open must not start past the older transaction"
    );
    let (_, head) = read().await.unwrap();
    assert_eq!(head, events[1].seq);
}
