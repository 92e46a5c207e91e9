//! The dispatcher over NATS JetStream (`events.transport = "jetstream"`): a relay per outbox
//! this process writes, and a broker delivery loop per subscription it hosts.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use async_nats::jetstream::AckKind;
use futures_util::StreamExt;

use super::super::jetstream::{ACK_WAIT, JetStream};
use super::{EventBus, EventHandler, Held, Pace, Round, Subscription, store};
use crate::platform::db::DbError;
use crate::platform::events::store::DeadLetterRow;
use crate::platform::events::{Event, OutboxTable};

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
        let mut woken = self.inner.wake.watch(producer);
        let mut held = Held::default();
        let mut pace = Pace::default();
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
            let round = match round.await {
                Ok(round) => round,
                Err(e) => {
                    tracing::warn!(producer, error = %e, "relaying events to the broker failed");
                    held = Held::default();
                    stream_ready = false;
                    Round::Idle
                }
            };
            if let Some(wait) = pace.after(round, poll) {
                let _ = tokio::time::timeout(wait, woken.changed()).await;
            }
        }
    }

    async fn relay_round(
        &self,
        jetstream: &JetStream,
        sub: &Subscription,
        outbox: Arc<dyn OutboxTable>,
        held: &mut Held,
    ) -> Result<Round, String> {
        self.hold(sub, held).await.map_err(|e| e.to_string())?;
        let Some(cursor) = held.cursor.as_mut() else {
            return Ok(Round::Idle);
        };
        let page = self
            .next_batch(outbox, cursor.position)
            .await
            .map_err(|e| e.to_string())?;
        let next = Round::after(&page);
        let Some(last) = page.events.last().map(|e| e.seq) else {
            return Ok(next);
        };
        jetstream.publish(sub.producer, &page.events).await?;
        cursor.position = last;
        self.save(cursor.clone(), None)
            .await
            .map_err(|e| e.to_string())?;
        Ok(next)
    }

    /// Hands `sub`'s events from the broker to its handler while this process holds the
    /// subscription's lease, until aborted.
    async fn deliver_from_broker(&self, jetstream: &JetStream, sub: &Subscription, poll: Duration) {
        let mut held = Held::default();
        loop {
            let was_held = held.cursor.is_some();
            match self.hold(sub, &mut held).await {
                Ok(()) if held.cursor.is_some() => {
                    if !was_held {
                        self.after_takeover(jetstream, sub).await;
                    }
                    if let Err(e) = self.deliver_while_held(jetstream, sub, &mut held).await {
                        tracing::warn!(subscription = %sub.name(), error = %e, "receiving events from the broker failed; reconnecting");
                    }
                }
                Ok(()) => {}
                Err(e) => {
                    tracing::warn!(subscription = %sub.name(), error = %e, "cannot take the subscription's lease");
                    held = Held::default();
                }
            }
            tokio::time::sleep(poll.max(Duration::from_millis(200))).await;
        }
    }

    /// Events another process took and never acked (it died) come back after
    /// [`ACK_WAIT`], before any later one: wait for them, so order holds across a takeover.
    async fn after_takeover(&self, jetstream: &JetStream, sub: &Subscription) {
        if let Ok(progress) = jetstream.progress(sub).await
            && progress.num_ack_pending > 0
        {
            tokio::time::sleep(ACK_WAIT).await;
        }
    }

    async fn deliver_while_held(
        &self,
        jetstream: &JetStream,
        sub: &Subscription,
        held: &mut Held,
    ) -> Result<(), String> {
        let mut messages = jetstream.messages(sub).await?;
        while let Some(message) = messages.next().await {
            let message = message.map_err(|e| e.to_string())?;
            self.hold(sub, held).await.map_err(|e| e.to_string())?;
            if held.cursor.is_none() {
                // Another process holds it now; this event goes to it after ACK_WAIT.
                return Ok(());
            }
            let ack = match serde_json::from_slice::<Event>(&message.payload) {
                Ok(event) if sub.event_types.contains(&event.event_type.as_str()) => {
                    let earlier = message.info().map(|i| i.delivered as u32).unwrap_or(1);
                    self.settle(sub, event, &message, earlier.saturating_sub(1))
                        .await
                }
                Ok(_) => AckKind::Ack,
                Err(e) => {
                    tracing::error!(subscription = %sub.name(), error = %e, "an unreadable message; dropped");
                    AckKind::Term
                }
            };
            message.ack_with(ack).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Hands one event to the handler until it goes through, retrying with backoff (and
    /// keeping the message ours meanwhile); after `events.max_attempts` (counting the
    /// broker's earlier deliveries) it is dead-lettered.
    async fn settle(
        &self,
        sub: &Subscription,
        event: Event,
        message: &async_nats::jetstream::Message,
        earlier: u32,
    ) -> AckKind {
        let mut attempts = earlier;
        loop {
            let error = match sub.handler.handle(&event).await {
                Ok(()) => return AckKind::Ack,
                Err(error) => error,
            };
            attempts += 1;
            tracing::warn!(subscription = %sub.name(), event = %event.id, %error, attempts, "event handler failed");
            if attempts as i32 >= self.inner.settings.max_attempts
                && self.bury(sub, &event, error, attempts).await
            {
                return AckKind::Term;
            }
            let mut wait = self.backoff(attempts).to_std().unwrap_or_default();
            while !wait.is_zero() {
                let step = wait.min(ACK_WAIT / 3);
                tokio::time::sleep(step).await;
                wait -= step;
                let _ = message.ack_with(AckKind::Progress).await;
            }
        }
    }

    /// Stores `event` as a dead letter of `sub`; `false` if the database refused it.
    async fn bury(&self, sub: &Subscription, event: &Event, error: String, attempts: u32) -> bool {
        let dead = DeadLetterRow::new(sub.name(), event, error, attempts as i32);
        let buried = self
            .inner
            .db
            .write(move |c| store::bury(c, &dead).map_err(DbError::from))
            .await;
        if let Err(e) = &buried {
            tracing::warn!(error = %e, "cannot store a dead letter; the event is tried again");
        }
        buried.is_ok()
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
