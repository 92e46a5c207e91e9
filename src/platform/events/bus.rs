//! The in-process dispatcher: delivers each subscription's events from its producer's outbox.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::jetstream::JetStream;
use super::store::{self, Cursor, DeadLetterRow};
use super::{Event, OutboxTable, Page, StoredEvent, Wake};
use crate::platform::config::{EventSettings, EventTransport};
use crate::platform::db::{Db, DbError, as_event_work};
use crate::platform::ids::new_id;

/// Events read per round trip to an outbox.
const BATCH: i64 = 100;
/// How long a replica owns a subscription without renewing it (every round renews it); a
/// killed replica's subscriptions move to another one, or to its own restart, after this.
const LEASE: TimeDelta = TimeDelta::seconds(10);
/// How soon a subscription reads again when committed events wait behind an older
/// transaction that has not ended (PostgreSQL); it doubles while they keep waiting, up to the
/// poll interval.
const HELD_BACK_RETRY: Duration = Duration::from_millis(2);
/// How long a cursor may stay unsaved while events keep coming: saving it after every batch
/// cost a write transaction per batch, about one per order on the busiest subscriptions.
/// Unsaved, a crash (or a lease moving to another replica) only delivers those events again,
/// which the consumers' inboxes turn into no-ops, and skipped events are skipped again. A
/// quiet outbox saves it once the interval is up (saving at each quiet moment cost a write
/// per order or so under a steady trickle), and a stopping process saves it on its way out.
const CURSOR_SAVE_EVERY: Duration = Duration::from_secs(1);

/// What a delivery round found, and so when the next one should run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    /// A full batch: there may be more right away.
    Full,
    /// Newer events are committed but not final yet: soon.
    HeldBack,
    /// Nothing more: at the next wake-up or poll.
    Idle,
}

impl Round {
    /// What reading `page` found.
    fn after(page: &Page) -> Self {
        if page.events.len() as i64 == BATCH {
            Self::Full
        } else if page.held_back {
            Self::HeldBack
        } else {
            Self::Idle
        }
    }
}

/// When a loop's next round runs (besides a wake-up), from what its last round found.
struct Pace {
    held_back_retry: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            held_back_retry: HELD_BACK_RETRY,
        }
    }
}

impl Pace {
    /// How long to wait for a wake-up before the next round; `None`: go on at once.
    fn after(&mut self, round: Round, poll: Duration) -> Option<Duration> {
        if round != Round::HeldBack {
            self.held_back_retry = HELD_BACK_RETRY;
        }
        match round {
            Round::Full => None,
            Round::HeldBack => {
                let wait = self.held_back_retry.min(poll);
                self.held_back_retry = wait * 2;
                Some(wait)
            }
            Round::Idle => Some(poll),
        }
    }
}

/// A consuming module's entry point for the events it subscribes to. It must be idempotent
/// (record the event id in its inbox in the same transaction as its effect).
#[async_trait]
pub trait EventHandler: Send + Sync {
    async fn handle(&self, event: &Event) -> Result<(), String>;
}

/// `consumer` receives `event_types` from `producer`'s outbox.
#[derive(Clone)]
pub struct Subscription {
    pub consumer: &'static str,
    pub producer: &'static str,
    pub event_types: &'static [&'static str],
    pub handler: Arc<dyn EventHandler>,
}

impl Subscription {
    pub fn name(&self) -> String {
        format!("{}<-{}", self.consumer, self.producer)
    }
}

/// An event a subscriber kept failing on, kept for an operator to inspect and re-drive.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "dl_0193a5c27d1e7cc09a513e0b8f0e2f41", "subscription": "kitchen<-ordering",
    "event": {"id": "evt_0193a5c27d1e7cc09a513e0b8f0e2f42", "type": "order.paid", "version": 1,
        "occurred_at": "2026-11-21T12:00:00Z", "aggregate_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f15",
        "payload": {"order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f15"}},
    "error": "the handler failed: database is unreachable", "attempts": 10,
    "dead_at": "2026-11-21T12:30:00Z", "redriven_at": null}))]
#[derive(serde::Deserialize)]
pub struct DeadLetter {
    pub id: String,
    /// `consumer<-producer`.
    pub subscription: String,
    pub event: Event,
    /// The consumer's last error.
    pub error: String,
    pub attempts: i32,
    pub dead_at: DateTime<Utc>,
    /// Set once a re-drive succeeded.
    pub redriven_at: Option<DateTime<Utc>>,
}

impl From<DeadLetterRow> for DeadLetter {
    fn from(r: DeadLetterRow) -> Self {
        Self {
            event: serde_json::from_str(&r.event).unwrap_or_else(|_| Event {
                id: r.event_id.clone(),
                event_type: "unreadable".into(),
                version: 0,
                occurred_at: r.dead_at.and_utc(),
                aggregate_id: String::new(),
                payload: serde_json::Value::Null,
            }),
            id: r.id,
            subscription: r.subscription,
            error: r.error,
            attempts: r.attempts,
            dead_at: r.dead_at.and_utc(),
            redriven_at: r.redriven_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RedriveError {
    #[error("no dead letter {0}")]
    NotFound(String),
    #[error("dead letter {0} was already re-driven")]
    AlreadyRedriven(String),
    #[error("the consumer failed again: {0}")]
    FailedAgain(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<diesel::result::Error> for RedriveError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Database(e.into())
    }
}

/// How far a subscription lags behind its producer, for metrics and the dashboard.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"subscription": "kitchen<-ordering", "backlog": 0, "attempts": 0, "dead_letters": 0}))]
pub struct SubscriptionHealth {
    /// `consumer<-producer`.
    pub subscription: String,
    /// Outbox positions not yet delivered (including event types the consumer skips).
    pub backlog: i64,
    /// Failed attempts on the next event.
    pub attempts: i32,
    /// Dead letters not re-driven.
    pub dead_letters: i64,
}

/// A delivery loop's lease on its subscription, and the cursor it owns meanwhile.
#[derive(Default)]
struct Held {
    cursor: Option<Cursor>,
    until: chrono::NaiveDateTime,
    /// The last handled batch's cursor save, still committing while the next round runs.
    saving: Option<actix_web::rt::task::JoinHandle<Result<(), DbError>>>,
    /// The cursor moved, and that is not saved yet.
    unsaved: bool,
    /// When the cursor was last saved.
    saved_at: Option<std::time::Instant>,
    /// Batches read after the cursor, oldest first, in the consumer's hands.
    handling: VecDeque<Handling>,
}

impl Held {
    /// When the moved cursor is due to be saved, if it moved since it was last saved.
    fn save_due(&self) -> Option<std::time::Instant> {
        self.unsaved.then(|| match self.saved_at {
            Some(at) => at + CURSOR_SAVE_EVERY,
            None => std::time::Instant::now(),
        })
    }

    /// Whether the loop may read another batch while these are handled: a few batches, and
    /// no more events than one full batch, so a backlog is still handled a batch at a time.
    fn has_room(&self) -> bool {
        self.handling.len() < handling::AT_ONCE
            && self.handling.iter().map(|h| h.wanted).sum::<usize>() < BATCH as usize
    }
}

/// What a delivery loop waited for.
enum Woke {
    /// The oldest batch in the consumer's hands is handled: its earliest failure, if any.
    Handled(Option<Failure>),
    /// Time to read: `true` if a commit to the outbox said so.
    Read(bool),
}

#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    settings: EventSettings,
    outboxes: HashMap<&'static str, Arc<dyn OutboxTable>>,
    subscriptions: Vec<Subscription>,
    wake: Wake,
    /// This process, as a lease owner.
    owner: String,
    /// The broker, once connected (`events.transport = "jetstream"`).
    jetstream: tokio::sync::OnceCell<Arc<JetStream>>,
    /// Outbox pages being read, for the loops woken by the same commits.
    reads: shared_reads::SharedReads<Page>,
    /// Cursors moved past handled events and not saved yet, by subscription: saved by
    /// [`EventBus::release`], so a restart does not deliver those events again.
    unsaved: std::sync::Mutex<HashMap<String, Cursor>>,
}

mod handling;
mod over_broker;
mod shared_reads;

use handling::{Failure, Handling};

impl EventBus {
    pub fn new(
        db: Db,
        settings: EventSettings,
        wake: Wake,
        outboxes: Vec<Arc<dyn OutboxTable>>,
        subscriptions: Vec<Subscription>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                settings,
                outboxes: outboxes.into_iter().map(|o| (o.producer(), o)).collect(),
                subscriptions,
                wake,
                owner: new_id("bus"),
                jetstream: tokio::sync::OnceCell::new(),
                reads: shared_reads::SharedReads::default(),
                unsaved: Default::default(),
            }),
        }
    }

    /// Delivers until the returned task is aborted. Undelivered events of a previous run
    /// (a crash, a kill -9) go out first: cursors live in the database. Its database work
    /// goes in the events' lane (`platform::db::as_event_work`).
    pub async fn run(self) {
        as_event_work(self.deliver_all()).await;
    }

    async fn deliver_all(self) {
        let poll = Duration::from_millis(self.inner.settings.poll_interval_ms);
        if self.inner.settings.transport == EventTransport::Jetstream {
            return self.run_over_jetstream(poll).await;
        }
        for sub in &self.inner.subscriptions {
            let name = sub.name();
            if let Err(e) = self
                .inner
                .db
                .write(move |c| store::ensure_cursor(c, &name).map_err(DbError::from))
                .await
            {
                tracing::warn!(error = %e, "cannot create an event cursor; will retry");
            }
        }
        // One loop per subscription, so a slow or failing consumer never holds up another.
        let loops = self
            .inner
            .subscriptions
            .iter()
            .map(|sub| self.deliver(sub, poll));
        futures_util::future::join_all(loops).await;
    }

    async fn deliver(&self, sub: &Subscription, poll: Duration) {
        let mut woken = self.inner.wake.watch(sub.producer);
        let mut held = Held::default();
        let mut pace = Pace::default();
        // When the next read is due; `None`: now. A commit announced meanwhile brings it on.
        let mut read_at: Option<tokio::time::Instant> = None;
        let mut signalled = false;
        loop {
            if read_at.is_none() && held.has_room() {
                // Marks the signal seen, and says when the newest commit it announced was made.
                let announced = *woken.borrow_and_update();
                // Woken by a commit, the loop may share a read begun after it with the other
                // loops on this outbox; otherwise (start, poll, a full batch) it reads
                // afresh, as only a new read sees what other processes committed.
                let since = if signalled {
                    announced
                } else {
                    std::time::Instant::now()
                };
                let round = self.read_ahead(sub, &mut held, since).await;
                let round = self.or_start_over(sub, &mut held, round);
                read_at = pace
                    .after(round, poll)
                    .map(|wait| tokio::time::Instant::now() + wait);
                // Quiet, it comes back when its moved cursor is due to be saved.
                if let (Some(at), Some(due), true) =
                    (read_at, held.save_due(), held.handling.is_empty())
                {
                    read_at = Some(at.min(due.into()));
                }
                signalled = false;
                continue;
            }
            let room = held.has_room();
            let woke = tokio::select! {
                failure = oldest_handled(&mut held.handling), if !held.handling.is_empty() => {
                    Woke::Handled(failure)
                }
                signalled = read_due(read_at, &mut woken), if room => Woke::Read(signalled),
            };
            match woke {
                Woke::Read(by_commit) => {
                    signalled = by_commit;
                    read_at = None;
                }
                Woke::Handled(failure) => {
                    let Some(done) = held.handling.pop_front() else {
                        continue;
                    };
                    let settled = self.settle_oldest(&mut held, done, failure).await;
                    if let Some(round) = self.or_start_over(sub, &mut held, settled) {
                        // A failure moved the cursor back: pace the next read from there.
                        read_at = pace
                            .after(round, poll)
                            .map(|wait| tokio::time::Instant::now() + wait);
                    }
                }
            }
        }
    }

    /// What a round's `outcome` says, or after a failed round, a fresh start from the saved
    /// cursor at the next poll.
    fn or_start_over<T: From<Round>>(
        &self,
        sub: &Subscription,
        held: &mut Held,
        outcome: Result<T, DbError>,
    ) -> T {
        outcome.unwrap_or_else(|e| {
            tracing::warn!(subscription = %sub.name(), error = %e, "event delivery round failed");
            *held = Held::default();
            T::from(Round::Idle)
        })
    }

    /// Up to [`BATCH`] events of `outbox` after `position`, oldest first.
    async fn next_batch(
        &self,
        outbox: Arc<dyn OutboxTable>,
        position: i64,
    ) -> Result<Page, DbError> {
        self.inner
            .db
            .read(move |c| outbox.after(c, position, BATCH).map_err(DbError::from))
            .await
    }

    /// Like [`EventBus::next_batch`], or what the same read by another loop on this outbox
    /// returns, if that read began after `since`.
    async fn shared_batch(
        &self,
        outbox: Arc<dyn OutboxTable>,
        position: i64,
        since: std::time::Instant,
    ) -> Result<Arc<Page>, DbError> {
        let key = (outbox.producer(), position);
        self.inner
            .reads
            .read(key, since, || self.next_batch(outbox, position))
            .await
    }

    /// Takes the lease on `sub`'s cursor, or renews it once half of it is gone (an idle or
    /// busy subscription costs no write per round beyond moving its cursor). The cursor is
    /// created at start-up, and again here if the database was busy then (another process
    /// migrating it, say).
    async fn hold(&self, sub: &Subscription, held: &mut Held) -> Result<(), DbError> {
        let now = Utc::now().naive_utc();
        if held.cursor.is_none() || held.until < now + LEASE / 2 {
            // The lease hands the cursor back from the database: what is in the consumer's
            // hands settles, and the last save goes first.
            self.settle_all(held).await?;
            self.save_unsaved(held).await?;
            self.saved(held).await?;
            let (name, owner) = (sub.name(), self.inner.owner.clone());
            held.cursor = self
                .inner
                .db
                .write(move |c| {
                    store::ensure_cursor(c, &name).map_err(DbError::from)?;
                    store::lease(c, &name, &owner, now, now + LEASE).map_err(DbError::from)
                })
                .await?;
            held.until = now + LEASE;
        }
        Ok(())
    }

    /// Saves the cursors that moved since their last save and gives up this process's
    /// leases, so a restart or another replica carries on at once from where this one
    /// stopped. Call after stopping [`EventBus::run`]. A save the stopped loops left under
    /// way may still land after these and take a cursor back: its events then come again,
    /// which the consumers' inboxes turn into no-ops.
    pub async fn release(&self) {
        let owner = self.inner.owner.clone();
        let unsaved =
            std::mem::take(&mut *self.inner.unsaved.lock().unwrap_or_else(|e| e.into_inner()));
        let released = self
            .inner
            .db
            .write(move |c| {
                for cursor in unsaved.values() {
                    store::save(c, cursor)?;
                }
                store::release(c, &owner).map_err(DbError::from)
            })
            .await;
        if let Err(e) = released {
            tracing::warn!(error = %e, "cannot release event leases; they expire on their own");
        }
    }

    /// Reads the batch after the last one read and hands it to the consumer, which may still
    /// be handling batches before it. The read must see what was committed by `since`.
    async fn read_ahead(
        &self,
        sub: &Subscription,
        held: &mut Held,
        since: std::time::Instant,
    ) -> Result<Round, DbError> {
        let Some(outbox) = self.inner.outboxes.get(sub.producer).cloned() else {
            return Ok(Round::Idle);
        };
        let now = Utc::now().naive_utc();
        self.hold(sub, held).await?;
        let Some(cursor) = held.cursor.as_ref() else {
            return Ok(Round::Idle);
        };
        if cursor.retry_at > now {
            return Ok(Round::Idle);
        }
        let position = held.handling.back().map_or(cursor.position, |h| h.last);
        let page = self.shared_batch(outbox, position, since).await?;
        let next = Round::after(&page);
        let Some(last) = page.events.last().map(|e| e.seq) else {
            let due = held
                .save_due()
                .is_some_and(|due| due <= std::time::Instant::now());
            if due && held.handling.is_empty() {
                // Quiet: a good moment to save a cursor that moved.
                self.save_unsaved(held).await?;
            }
            return Ok(next);
        };
        let wanted: Vec<StoredEvent> = page
            .events
            .iter()
            .filter(|e| sub.event_types.contains(&e.event.event_type.as_str()))
            .cloned()
            .collect();
        // An aggregate's events are handled in order: a batch with an event of an aggregate
        // still in the consumer's hands waits for the batches before it.
        let aggregates = Handling::aggregates_of(&wanted);
        if held
            .handling
            .iter()
            .any(|h| h.shares_an_aggregate_with(&aggregates))
            && let Some(round) = self.settle_all(held).await?
        {
            // One failed, so the cursor went back before this page: it is read again.
            return Ok(round);
        }
        if wanted.is_empty() && held.handling.is_empty() {
            self.advance(held, last).await?;
        } else {
            held.handling.push_back(Handling::start(sub, wanted, last));
        }
        Ok(next)
    }

    /// Waits for every batch in the consumer's hands and settles each, oldest first. After a
    /// failure, what the next read should do.
    async fn settle_all(&self, held: &mut Held) -> Result<Option<Round>, DbError> {
        while let Some(mut oldest) = held.handling.pop_front() {
            let failure = oldest.handled().await;
            if let Some(round) = self.settle_oldest(held, oldest, failure).await? {
                return Ok(Some(round));
            }
        }
        Ok(None)
    }

    /// Moves the cursor past `done`, the oldest batch in the consumer's hands, or back to just
    /// before the event it failed on. After a failure, what the next read should do.
    async fn settle_oldest(
        &self,
        held: &mut Held,
        done: Handling,
        failure: Option<Failure>,
    ) -> Result<Option<Round>, DbError> {
        let Some((failed, error)) = failure else {
            self.advance(held, done.last).await?;
            return Ok(None);
        };
        // The batches after it are read again from the cursor: their events done meanwhile
        // come again, which consumers' inboxes turn into no-ops. They end first, so an event
        // is never in two handlers' hands at once.
        while let Some(mut later) = held.handling.pop_front() {
            later.handled().await;
        }
        self.saved(held).await?;
        // What is saved below is the whole cursor, events handled before included.
        held.unsaved = false;
        let Some(cursor) = held.cursor.as_mut() else {
            return Ok(Some(Round::Idle));
        };
        tracing::warn!(subscription = %cursor.subscription, event = %failed.event.id, %error, "event handler failed");
        // It is the earliest failure, so everything before it was handled.
        cursor.position = failed.seq - 1;
        // Attempts count for the event at the head of the cursor; a later event failing
        // (the head went through this time) starts its own count.
        if done.first_wanted.as_ref().map(|e| e.seq) == Some(failed.seq) {
            cursor.attempts += 1;
        } else {
            cursor.attempts = 1;
        }
        if cursor.attempts >= self.inner.settings.max_attempts {
            let dead = DeadLetterRow::new(
                cursor.subscription.clone(),
                &failed.event,
                error,
                cursor.attempts,
            );
            cursor.position = failed.seq;
            cursor.attempts = 0;
            cursor.last_error.clear();
            self.save(cursor.clone(), Some(dead)).await?;
            return Ok(Some(Round::Full));
        }
        cursor.retry_at = Utc::now().naive_utc() + self.backoff(cursor.attempts as u32);
        cursor.last_error = error;
        self.save(cursor.clone(), None).await?;
        Ok(Some(Round::Idle))
    }

    /// Moves the cursor past a handled batch ending at `last`. It is saved at most once per
    /// `CURSOR_SAVE_EVERY` while events keep coming; after a crash what it had not saved
    /// comes again, which consumers' inboxes turn into no-ops.
    async fn advance(&self, held: &mut Held, last: i64) -> Result<(), DbError> {
        let Some(cursor) = held.cursor.as_mut() else {
            return Ok(());
        };
        cursor.position = last;
        cursor.attempts = 0;
        cursor.last_error.clear();
        let recent = held
            .saved_at
            .is_some_and(|at| at.elapsed() < CURSOR_SAVE_EVERY);
        if recent {
            held.unsaved = true;
            self.keep_unsaved(cursor.clone());
            return Ok(());
        }
        let cursor = cursor.clone();
        self.save_behind(held, cursor).await
    }

    /// Saves the cursor of a handled batch while the next round goes on, so delivering an
    /// event never waits for the commit of the previous batch's cursor. Saves stay in order:
    /// each waits for the one before. A crash before a save commits delivers that batch
    /// again, which consumers' inboxes turn into no-ops.
    async fn save_behind(&self, held: &mut Held, cursor: Cursor) -> Result<(), DbError> {
        self.saved(held).await?;
        held.unsaved = false;
        held.saved_at = Some(std::time::Instant::now());
        self.forget_unsaved(&cursor.subscription);
        let db = self.inner.db.clone();
        held.saving = Some(actix_web::rt::spawn(as_event_work(async move {
            db.write(move |c| store::save(c, &cursor).map_err(DbError::from))
                .await
        })));
        Ok(())
    }

    /// Saves the cursor if it moved since it was last saved.
    async fn save_unsaved(&self, held: &mut Held) -> Result<(), DbError> {
        match (&held.cursor, held.unsaved) {
            (Some(cursor), true) => {
                let cursor = cursor.clone();
                self.save_behind(held, cursor).await
            }
            _ => Ok(()),
        }
    }

    /// Keeps `cursor` for [`EventBus::release`] until a save takes it.
    fn keep_unsaved(&self, cursor: Cursor) {
        let mut unsaved = self.inner.unsaved.lock().unwrap_or_else(|e| e.into_inner());
        unsaved.insert(cursor.subscription.clone(), cursor);
    }

    fn forget_unsaved(&self, subscription: &str) {
        let mut unsaved = self.inner.unsaved.lock().unwrap_or_else(|e| e.into_inner());
        unsaved.remove(subscription);
    }

    /// Waits for the cursor save under way, if any.
    async fn saved(&self, held: &mut Held) -> Result<(), DbError> {
        match held.saving.take() {
            Some(saving) => saving.await.unwrap_or(Err(DbError::Cancelled)),
            None => Ok(()),
        }
    }

    async fn save(&self, cursor: Cursor, dead: Option<DeadLetterRow>) -> Result<(), DbError> {
        self.forget_unsaved(&cursor.subscription);
        self.inner
            .db
            .write(move |c| {
                if let Some(dead) = &dead {
                    store::bury(c, dead)?;
                }
                store::save(c, &cursor).map_err(DbError::from)
            })
            .await
    }

    /// `retry_base_ms · 2^(attempt-1)`, capped at `retry_max_ms`.
    fn backoff(&self, attempt: u32) -> TimeDelta {
        backoff(
            self.inner.settings.retry_base_ms,
            self.inner.settings.retry_max_ms,
            attempt,
        )
    }

    /// Dead letters, newest first, after the one with id `after`.
    pub async fn dead_letters(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, DbError> {
        let rows = self
            .inner
            .db
            .read(move |c| {
                store::dead_letters(c, after.as_deref(), limit as i64).map_err(DbError::from)
            })
            .await?;
        Ok(rows.into_iter().map(DeadLetter::from).collect())
    }

    /// Hands a dead-lettered event to its consumer again, now.
    pub async fn redrive(&self, id: &str) -> Result<DeadLetter, RedriveError> {
        let key = id.to_owned();
        let mut row = self
            .inner
            .db
            .read(move |c| store::dead_letter(c, &key).map_err(DbError::from))
            .await?
            .ok_or_else(|| RedriveError::NotFound(id.to_owned()))?;
        if row.redriven_at.is_some() {
            return Err(RedriveError::AlreadyRedriven(id.to_owned()));
        }
        let letter = DeadLetter::from(row.clone());
        let handler = self
            .inner
            .subscriptions
            .iter()
            .find(|s| s.name() == row.subscription)
            .map(|s| s.handler.clone())
            .ok_or_else(|| RedriveError::FailedAgain("its subscription no longer exists".into()))?;
        let outcome = handler.handle(&letter.event).await;
        row.attempts += 1;
        match &outcome {
            Ok(()) => row.redriven_at = Some(Utc::now().naive_utc()),
            Err(e) => row.error = e.clone(),
        }
        let saved = row.clone();
        self.inner
            .db
            .write(move |c| store::update_dead_letter(c, &saved).map_err(DbError::from))
            .await?;
        outcome.map_err(RedriveError::FailedAgain)?;
        Ok(DeadLetter::from(row))
    }

    /// Every subscription's backlog and dead letters.
    pub async fn health(&self) -> Result<Vec<SubscriptionHealth>, DbError> {
        let inner = self.inner.clone();
        let out: Vec<SubscriptionHealth> = self
            .inner
            .db
            .scan(move |c| {
                let cursors = store::cursors(c)?;
                let dead: HashMap<String, i64> = store::open_dead_letters(c)?.into_iter().collect();
                let mut out = Vec::with_capacity(inner.subscriptions.len());
                for sub in &inner.subscriptions {
                    let name = sub.name();
                    let cursor = cursors.iter().find(|cur| cur.subscription == name);
                    // Positions are sparse on PostgreSQL: the backlog is counted, not subtracted.
                    let backlog = match inner.outboxes.get(sub.producer) {
                        Some(outbox) => outbox.backlog(c, cursor.map_or(0, |cur| cur.position))?,
                        None => 0,
                    };
                    out.push(SubscriptionHealth {
                        backlog,
                        attempts: cursor.map_or(0, |cur| cur.attempts),
                        dead_letters: dead.get(&name).copied().unwrap_or(0),
                        subscription: name,
                    });
                }
                Ok::<_, DbError>(out)
            })
            .await?;
        // Over the broker, what waits is in the consumers' streams, not behind a cursor.
        let mut out = out;
        if let Some(jetstream) = self.inner.jetstream.get() {
            for (health, sub) in out.iter_mut().zip(&self.inner.subscriptions) {
                health.backlog = jetstream.backlog(sub).await.unwrap_or(-1);
            }
        }
        Ok(out)
    }

    /// Every subscription's progress, for operators: the cursors in the database (the
    /// relays' too, over the broker) and, over the broker, each consumer's position in its
    /// producer's stream (held by the broker, not leased).
    pub async fn cursors(&self) -> Result<Vec<Cursor>, DbError> {
        let mut cursors = self
            .inner
            .db
            .read(|c| store::cursors(c).map_err(DbError::from))
            .await?;
        if let Some(jetstream) = self.inner.jetstream.get() {
            // The row only leases the subscription; the broker knows how far it got.
            for sub in &self.inner.subscriptions {
                let Ok(info) = jetstream.progress(sub).await else {
                    continue;
                };
                let name = sub.name();
                let lease = cursors.iter().position(|c| c.subscription == name);
                let lease = lease.map(|at| cursors.remove(at));
                cursors.push(Cursor {
                    subscription: name,
                    position: info.ack_floor.stream_sequence as i64,
                    attempts: info.num_redelivered as i32,
                    retry_at: NaiveDateTime::default(),
                    last_error: String::new(),
                    lease_owner: lease
                        .as_ref()
                        .map(|l| l.lease_owner.clone())
                        .unwrap_or_default(),
                    leased_until: lease.map(|l| l.leased_until).unwrap_or_default(),
                });
            }
        }
        Ok(cursors)
    }
}

/// Waits until the oldest batch in `handling` is handled (never, if there is none).
async fn oldest_handled(handling: &mut VecDeque<Handling>) -> Option<Failure> {
    match handling.front_mut() {
        Some(oldest) => oldest.handled().await,
        None => std::future::pending().await,
    }
}

/// Waits until `at` (now if `None`) or a commit to the outbox; `true` for a commit.
async fn read_due(
    at: Option<tokio::time::Instant>,
    woken: &mut tokio::sync::watch::Receiver<std::time::Instant>,
) -> bool {
    match at {
        Some(at) => matches!(
            tokio::time::timeout_at(at, woken.changed()).await,
            Ok(Ok(()))
        ),
        None => false,
    }
}

fn backoff(base_ms: u64, max_ms: u64, attempt: u32) -> TimeDelta {
    let factor = 1_u64
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u64::MAX);
    let ms = base_ms.saturating_mul(factor).min(max_ms);
    TimeDelta::milliseconds(ms as i64)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_per_attempt_and_stops_at_the_cap() {
        assert_eq!(backoff(100, 10_000, 1).num_milliseconds(), 100);
        assert_eq!(backoff(100, 10_000, 2).num_milliseconds(), 200);
        assert_eq!(backoff(100, 10_000, 4).num_milliseconds(), 800);
        assert_eq!(backoff(100, 10_000, 30).num_milliseconds(), 10_000);
        assert_eq!(backoff(100, 10_000, 200).num_milliseconds(), 10_000);
    }
}
