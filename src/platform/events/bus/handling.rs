//! Batches of one subscription handed to its consumer, several at a time.
//!
//! A delivery loop reads its next batch while the ones before it are still being handled, so
//! an event committed meanwhile goes out at once rather than after the slowest event of the
//! batch before (on PostgreSQL each hop of the journey waited for one: a handler there is a
//! few round trips and a commit). Order holds where it matters: a batch waits for the batches
//! before it if they handle an event of the same aggregate, and the cursor only moves past a
//! batch once it and every batch before it are handled.

use std::any::Any;
use std::collections::HashSet;
use std::panic::AssertUnwindSafe;

use actix_web::rt::task::JoinHandle;
use futures_util::FutureExt;

use super::{StoredEvent, Subscription};
use crate::platform::db::as_event_work;

/// The earliest event a batch's consumer failed on, and its error.
pub(super) type Failure = (StoredEvent, String);

/// Batches a loop may have in its consumer's hands at once.
pub(super) const AT_ONCE: usize = 4;

/// A batch in its consumer's hands.
pub(super) struct Handling {
    /// The position of its last event, wanted or not: the cursor's once it is handled.
    pub last: i64,
    /// Its first event for this consumer (attempts count for the cursor's head).
    pub first_wanted: Option<StoredEvent>,
    /// How many of its events are for this consumer.
    pub wanted: usize,
    aggregates: HashSet<String>,
    /// `None`: nothing in it was for this consumer.
    outcome: Option<JoinHandle<Option<Failure>>>,
}

impl Handling {
    /// Hands `wanted` (the events of a batch ending at `last` that `sub` subscribes to) to its
    /// consumer.
    pub fn start(sub: &Subscription, wanted: Vec<StoredEvent>, last: i64) -> Self {
        let first_wanted = wanted.first().cloned();
        let aggregates = Self::aggregates_of(&wanted);
        let count = wanted.len();
        let outcome = (!wanted.is_empty()).then(|| {
            let sub = sub.clone();
            actix_web::rt::spawn(as_event_work(
                async move { first_failure(&sub, &wanted).await },
            ))
        });
        Self {
            last,
            first_wanted,
            wanted: count,
            aggregates,
            outcome,
        }
    }

    /// Whether it handles an event of an aggregate `other` handles too.
    pub fn shares_an_aggregate_with(&self, other: &HashSet<String>) -> bool {
        !self.aggregates.is_disjoint(other)
    }

    /// The aggregates of `wanted`.
    pub fn aggregates_of(wanted: &[StoredEvent]) -> HashSet<String> {
        wanted
            .iter()
            .map(|e| e.event.aggregate_id.clone())
            .collect()
    }

    /// Waits until it is handled; its earliest failure, if any. Should its task end some
    /// other way, the batch failed on its first event.
    pub async fn handled(&mut self) -> Option<Failure> {
        let outcome = self.outcome.as_mut()?;
        match outcome.await {
            Ok(failure) => failure,
            Err(e) => self
                .first_wanted
                .clone()
                .map(|event| (event, format!("the consumer stopped: {e}"))),
        }
    }
}

impl Drop for Handling {
    /// A loop that stops (or starts over from its saved cursor) stops its batches too; what
    /// they had not committed comes again, which consumers' inboxes make safe.
    fn drop(&mut self) {
        if let Some(outcome) = &self.outcome {
            outcome.abort();
        }
    }
}

/// Hands `events` to the consumer, aggregates concurrently and each aggregate in order
/// (stopping at its first failure). Returns the earliest failed event and its error.
async fn first_failure(sub: &Subscription, events: &[StoredEvent]) -> Option<Failure> {
    let mut groups: Vec<Vec<&StoredEvent>> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for e in events {
        let at = *index
            .entry(e.event.aggregate_id.as_str())
            .or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
        groups[at].push(e);
    }
    let runs = groups.into_iter().map(|group| async move {
        for e in group {
            // A consumer that panics fails on that event alone, like one that returns an error.
            let handled = AssertUnwindSafe(sub.handler.handle(&e.event))
                .catch_unwind()
                .await;
            let error = match handled {
                Ok(Ok(())) => continue,
                Ok(Err(error)) => error,
                Err(panic) => format!("the consumer panicked: {}", panic_message(&*panic)),
            };
            return Some((e.clone(), error));
        }
        None
    });
    futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .min_by_key(|(e, _)| e.seq)
}

/// What a panic said, when it said it with a string.
fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
