//! The delivery worker: keeps up to `max_in_flight` deliveries on the wire, at most
//! `max_in_flight_per_endpoint` to one endpoint, and takes the next due one as soon as one
//! ends — a slow receiver holds only its own slots, and nobody waits for a whole batch.
//! Outcomes are written together: whatever was answered while the last write ran goes in the
//! next one, so recording costs a transaction per batch, not per delivery.

use std::collections::HashMap;
use std::pin::pin;
use std::time::Duration;

use chrono::TimeDelta;
use futures_util::FutureExt;
use futures_util::future::{Either, LocalBoxFuture, select};
use futures_util::stream::{FuturesUnordered, StreamExt};

use super::sender::Sender;
use super::{Attempted, WebhooksService, now};
use crate::modules::webhooks::api::WebhooksError;
use crate::modules::webhooks::store::{self, DeliveryRow};

/// What a piece of the dispatcher's work ended with.
enum Done {
    Sent(String, Result<Box<Attempted>, WebhooksError>),
    /// How many outcomes the write held.
    Recorded(usize),
}

/// Deliveries in flight, per endpoint.
#[derive(Default)]
struct InFlight {
    total: usize,
    per_endpoint: HashMap<String, usize>,
    /// Answered, waiting for or in a write: they count against `max_in_flight` (memory), not
    /// against their endpoint.
    recording: usize,
    /// Outcomes waiting for the write under way to end.
    unrecorded: Vec<Attempted>,
    /// Whether a write of outcomes is under way.
    writing: bool,
}

impl InFlight {
    fn start(&mut self, endpoint: &str) {
        self.total += 1;
        *self.per_endpoint.entry(endpoint.to_owned()).or_default() += 1;
    }

    fn end(&mut self, endpoint: &str) {
        self.total -= 1;
        if let Some(n) = self.per_endpoint.get_mut(endpoint) {
            *n -= 1;
            if *n == 0 {
                self.per_endpoint.remove(endpoint);
            }
        }
    }

    /// Endpoints with no free slot.
    fn full(&self, per_endpoint: usize) -> Vec<&String> {
        self.per_endpoint
            .iter()
            .filter(|(_, n)| **n >= per_endpoint)
            .map(|(endpoint, _)| endpoint)
            .collect()
    }
}

impl WebhooksService {
    /// Sends due deliveries for as long as the process runs. Not `Send`: actix's HTTP client
    /// lives on the thread that runs it, and its pooled connections are kept across
    /// deliveries.
    pub async fn dispatch(&self) {
        let sender = Sender::new(
            Duration::from_millis(self.settings.timeout_ms),
            self.settings.allow_insecure_loopback,
        );
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        let mut in_flight = InFlight::default();
        // Attempts on the wire, and outcomes being recorded: a slot is free once its
        // receiver has answered, whatever the database is doing.
        let mut work: FuturesUnordered<LocalBoxFuture<'_, Done>> = FuturesUnordered::new();
        loop {
            let busy = in_flight.total + in_flight.recording;
            let free = self.settings.max_in_flight.saturating_sub(busy);
            let mut claimed = 0;
            if free > 0 {
                // The work on the wire keeps moving while claiming: a future parked in `work`
                // may hold what the claim waits for (a database connection), and an answered
                // attempt frees its slot without waiting for the claim.
                let mut ended = Vec::new();
                let rows = {
                    let mut claim = pin!(self.claim_due(free, &in_flight));
                    loop {
                        match select(claim.as_mut(), work.next()).await {
                            Either::Left((rows, _)) => break rows,
                            Either::Right((Some(done), _)) => ended.push(done),
                            Either::Right((None, _)) => break claim.await,
                        }
                    }
                };
                for done in ended {
                    self.finish(done, &mut in_flight);
                }
                self.write_outcomes(&mut in_flight, &mut work);
                for row in rows {
                    claimed += 1;
                    in_flight.start(&row.endpoint_id);
                    work.push(self.send(&sender, row).boxed_local());
                }
            }
            if claimed > 0 && busy + claimed < self.settings.max_in_flight {
                // There may be more due: look again before waiting.
                continue;
            }
            // Wait for a delivery to end, or for new work (or the poll, for other replicas'
            // work and retries coming due) while there is room for it.
            let woken = pin!(tokio::time::timeout(poll, self.work.notified()));
            if work.is_empty() {
                let _ = woken.await;
                continue;
            }
            if let Either::Left((Some(done), _)) = select(work.next(), woken).await {
                self.finish(done, &mut in_flight);
                // Others may have ended meanwhile: free their slots too before looking again.
                while let Some(Some(done)) = work.next().now_or_never() {
                    self.finish(done, &mut in_flight);
                }
                self.write_outcomes(&mut in_flight, &mut work);
            }
        }
    }

    fn finish(&self, done: Done, in_flight: &mut InFlight) {
        let (endpoint, attempted) = match done {
            Done::Sent(endpoint, attempted) => (endpoint, attempted),
            Done::Recorded(n) => {
                in_flight.recording -= n;
                in_flight.writing = false;
                return;
            }
        };
        in_flight.end(&endpoint);
        match attempted {
            Ok(attempted) => {
                in_flight.recording += 1;
                in_flight.unrecorded.push(*attempted);
            }
            Err(e) => tracing::warn!(error = %e, "a webhook attempt failed before sending"),
        }
    }

    /// Starts writing the outcomes gathered so far, unless a write is under way (its end
    /// starts the next one).
    fn write_outcomes<'a>(
        &'a self,
        in_flight: &mut InFlight,
        work: &mut FuturesUnordered<LocalBoxFuture<'a, Done>>,
    ) {
        if in_flight.writing || in_flight.unrecorded.is_empty() {
            return;
        }
        in_flight.writing = true;
        let outcomes = std::mem::take(&mut in_flight.unrecorded);
        work.push(
            async move {
                let n = outcomes.len();
                if let Err(e) = self.record(outcomes).await {
                    // Their claims expire and they go out again: at least once.
                    tracing::warn!(error = %e, outcomes = n, "webhook attempts could not be recorded");
                }
                Done::Recorded(n)
            }
            .boxed_local(),
        );
    }

    /// Due deliveries for up to `free` slots, skipping endpoints at their limit, taken in one
    /// transaction.
    async fn claim_due(&self, free: usize, in_flight: &InFlight) -> Vec<DeliveryRow> {
        let per_endpoint = self.settings.max_in_flight_per_endpoint;
        let busy: Vec<String> = in_flight.full(per_endpoint).into_iter().cloned().collect();
        let limit = i64::try_from(free).unwrap_or(i64::MAX);
        let due = match self
            .db
            .scan(move |c| {
                let busy: Vec<&String> = busy.iter().collect();
                store::due(c, now(), limit, &busy).map_err(WebhooksError::from)
            })
            .await
        {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "webhook deliveries could not be read");
                return Vec::new();
            }
        };
        // Within the endpoints' free slots, oldest first.
        let mut room: HashMap<String, usize> = HashMap::new();
        let due: Vec<DeliveryRow> = due
            .into_iter()
            .filter(|row| {
                let used = in_flight
                    .per_endpoint
                    .get(&row.endpoint_id)
                    .copied()
                    .unwrap_or(0);
                let taken = room.entry(row.endpoint_id.clone()).or_default();
                *taken += 1;
                used + *taken <= per_endpoint
            })
            .collect();
        if due.is_empty() {
            return due;
        }
        // Held past the receiver's timeout, so no other worker takes it meanwhile.
        let hold = TimeDelta::milliseconds(
            i64::try_from(self.settings.timeout_ms).unwrap_or(i64::MAX) + 30_000,
        );
        self.db
            .write(move |c| store::claim(c, due, now() + hold).map_err(WebhooksError::from))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "webhook deliveries could not be claimed");
                Vec::new()
            })
    }

    /// One attempt; yields the endpoint, whose slot is then free, and what to record.
    async fn send(&self, sender: &Sender, row: DeliveryRow) -> Done {
        let endpoint = row.endpoint_id.clone();
        Done::Sent(endpoint, self.attempt(sender, row).await.map(Box::new))
    }
}

#[cfg(test)]
mod tests {
    use super::InFlight;

    #[test]
    fn an_endpoint_is_full_at_its_limit_and_free_again_when_one_ends() {
        let mut in_flight = InFlight::default();
        in_flight.start("ep_1");
        in_flight.start("ep_1");
        in_flight.start("ep_2");
        assert_eq!(in_flight.full(2), [&"ep_1".to_owned()]);
        in_flight.end("ep_1");
        assert!(in_flight.full(2).is_empty());
        assert_eq!(in_flight.total, 2);
        in_flight.end("ep_1");
        in_flight.end("ep_2");
        assert!(in_flight.per_endpoint.is_empty());
    }
}
