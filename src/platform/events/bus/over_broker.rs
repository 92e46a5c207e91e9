//! The dispatcher over NATS JetStream (`events.transport = "jetstream"`): a relay per outbox
//! this process writes, and a broker delivery loop per subscription it hosts.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;

use super::super::jetstream::{JetStream, Settled};
use super::{BATCH, EventBus, EventHandler, Held, Subscription, store};
use crate::platform::db::DbError;
use crate::platform::events::store::DeadLetterRow;
use crate::platform::events::{Event, OutboxTable};
use crate::platform::ids::new_id;

impl EventBus {
    /// Relays every outbox this process holds to the broker and delivers every subscription
    /// from it, until aborted. Waits for the broker if it is not reachable yet.
    pub(super) async fn run_over_jetstream(self, poll: Duration) {
        let jetstream = loop {
            match JetStream::connect(&self.inner.settings).await {
                Ok(js) => break Arc::new(js),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot reach the broker; events wait in their outboxes");
                    tokio::time::sleep(poll.max(Duration::from_secs(1))).await;
                }
            }
        };
        let _ = self.inner.jetstream.set(jetstream.clone());
        let relays = self
            .inner
            .outboxes
            .values()
            .map(|outbox| self.relay(&jetstream, outbox.clone(), poll));
        let deliveries = self
            .inner
            .subscriptions
            .iter()
            .map(|sub| self.deliver_from_broker(&jetstream, sub, poll));
        futures_util::future::join(
            futures_util::future::join_all(relays),
            futures_util::future::join_all(deliveries),
        )
        .await;
    }

    /// Publishes `outbox` to its stream, oldest first; its cursor moves once the broker acked.
    async fn relay(&self, jetstream: &JetStream, outbox: Arc<dyn OutboxTable>, poll: Duration) {
        let producer = outbox.producer();
        let sub = Subscription {
            consumer: "jetstream",
            producer,
            event_types: &[],
            handler: Arc::new(Relayed),
        };
        let mut woken = self.inner.wake.0.subscribe();
        let mut held = Held::default();
        let mut stream_ready = false;
        loop {
            woken.mark_unchanged();
            let round = async {
                if !stream_ready {
                    jetstream.ensure_stream(producer).await?;
                    stream_ready = true;
                }
                self.relay_round(jetstream, &sub, outbox.clone(), &mut held)
                    .await
            };
            let more = match round.await {
                Ok(more) => more,
                Err(e) => {
                    tracing::warn!(producer, error = %e, "relaying events to the broker failed");
                    held = Held::default();
                    stream_ready = false;
                    false
                }
            };
            if !more {
                let _ = tokio::time::timeout(poll, woken.changed()).await;
            }
        }
    }

    async fn relay_round(
        &self,
        jetstream: &JetStream,
        sub: &Subscription,
        outbox: Arc<dyn OutboxTable>,
        held: &mut Held,
    ) -> Result<bool, String> {
        self.hold(sub, held).await.map_err(|e| e.to_string())?;
        let Some(cursor) = held.cursor.as_mut() else {
            return Ok(false);
        };
        let position = cursor.position;
        let batch = self
            .inner
            .db
            .read(move |c| outbox.after(c, position, BATCH).map_err(DbError::from))
            .await
            .map_err(|e| e.to_string())?;
        let Some(last) = batch.last().map(|e| e.seq) else {
            return Ok(false);
        };
        jetstream.publish(sub.producer, &batch).await?;
        cursor.position = last;
        self.save(cursor.clone(), None)
            .await
            .map_err(|e| e.to_string())?;
        Ok(batch.len() as i64 == BATCH)
    }

    /// Hands `sub`'s events from the broker to its handler, one at a time, until aborted.
    async fn deliver_from_broker(&self, jetstream: &JetStream, sub: &Subscription, poll: Duration) {
        loop {
            let delivered = jetstream
                .deliver(sub, |event, attempt| self.settle(sub, event, attempt))
                .await;
            if let Err(e) = delivered {
                tracing::warn!(subscription = %sub.name(), error = %e, "receiving events from the broker failed; reconnecting");
            }
            tokio::time::sleep(poll.max(Duration::from_millis(200))).await;
        }
    }

    /// Handles one event delivered for the `attempt`-th time: handled, retried after a
    /// backoff, or (at `events.max_attempts`) dead-lettered.
    async fn settle(&self, sub: &Subscription, event: Event, attempt: u64) -> Settled {
        let error = match sub.handler.handle(&event).await {
            Ok(()) => return Settled::Handled,
            Err(error) => error,
        };
        tracing::warn!(subscription = %sub.name(), event = %event.id, %error, "event handler failed");
        let attempts = i32::try_from(attempt).unwrap_or(i32::MAX);
        if attempts < self.inner.settings.max_attempts {
            let wait = self.backoff(attempt as u32).to_std().unwrap_or_default();
            return Settled::Retry(wait);
        }
        let dead = DeadLetterRow {
            id: new_id("dlq"),
            subscription: sub.name(),
            event_id: event.id.clone(),
            event: serde_json::to_string(&event).unwrap_or_default(),
            error,
            attempts,
            dead_at: Utc::now().naive_utc(),
            redriven_at: None,
        };
        let buried = self
            .inner
            .db
            .write(move |c| store::bury(c, &dead).map_err(DbError::from))
            .await;
        match buried {
            Ok(()) => Settled::Buried,
            Err(e) => {
                tracing::warn!(error = %e, "cannot store a dead letter; the event comes again");
                Settled::Retry(self.backoff(attempt as u32).to_std().unwrap_or_default())
            }
        }
    }
}

/// The relay's stand-in handler: a relay's cursor is a subscription that hands nothing over.
struct Relayed;

#[async_trait]
impl EventHandler for Relayed {
    async fn handle(&self, _: &Event) -> Result<(), String> {
        Ok(())
    }
}
