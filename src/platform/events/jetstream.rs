//! `events.transport = "jetstream"`: the hop between a producer's outbox and a consumer's
//! inbox goes through NATS JetStream, so producer and consumer need not share a database.
//!
//! A relay per producing module publishes its outbox, oldest first, to the module's stream
//! (`<PREFIX>_<PRODUCER>`, subjects `<prefix>.<producer>.<type>.v<version>`), each message
//! with the event id as `Nats-Msg-Id`, and moves its cursor only once the broker acked. Each
//! subscription is a durable pull consumer on its producer's stream with explicit acks and
//! one message in flight, so a consumer sees its producer's events in order (per aggregate,
//! and overall). A message is acked after the consumer's inbox transaction committed, nak'ed
//! with backoff when it failed, and dead-lettered (stored for the admin endpoints, then
//! terminated) after `events.max_attempts`. The inbox stays the real de-duplication: the
//! broker's window is minutes.

use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer, stream};
use futures_util::StreamExt;

use super::bus::Subscription;
use super::{Event, StoredEvent};
use crate::platform::config::{EventSettings, StreamStorage};

/// A connection to the broker and this deployment's naming.
pub struct JetStream {
    context: jetstream::Context,
    prefix: String,
    max_age: Duration,
    duplicate_window: Duration,
    storage: stream::StorageType,
}

impl JetStream {
    pub async fn connect(settings: &EventSettings) -> Result<Self, String> {
        let client = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(5))
            .name("brigade")
            .connect(&settings.nats_url)
            .await
            .map_err(|e| format!("NATS at {}: {e}", settings.nats_url))?;
        Ok(Self {
            context: jetstream::new(client),
            prefix: settings.stream_prefix.clone(),
            max_age: Duration::from_secs(settings.stream_max_age_secs),
            duplicate_window: Duration::from_secs(settings.stream_duplicate_window_secs),
            storage: match settings.stream_storage {
                StreamStorage::File => stream::StorageType::File,
                StreamStorage::Memory => stream::StorageType::Memory,
            },
        })
    }

    fn stream_name(&self, producer: &str) -> String {
        format!("{}_{producer}", self.prefix).to_uppercase()
    }

    fn subject(&self, producer: &str, event: &Event) -> String {
        format!(
            "{}.{producer}.{}.v{}",
            self.prefix, event.event_type, event.version
        )
    }

    /// Creates `producer`'s stream if it does not exist yet.
    pub async fn ensure_stream(&self, producer: &str) -> Result<(), String> {
        self.context
            .get_or_create_stream(stream::Config {
                name: self.stream_name(producer),
                subjects: vec![format!("{}.{producer}.>", self.prefix)],
                max_age: self.max_age,
                duplicate_window: self.duplicate_window,
                storage: self.storage,
                ..Default::default()
            })
            .await
            .map(|_| ())
            .map_err(|e| format!("stream {}: {e}", self.stream_name(producer)))
    }

    /// Publishes `events` of `producer` in order and waits until the broker acked each one.
    /// A repeat after a crash is dropped by the broker (same `Nats-Msg-Id`) or, later, by
    /// the consumers' inboxes.
    pub async fn publish(&self, producer: &str, events: &[StoredEvent]) -> Result<(), String> {
        let mut acks = Vec::with_capacity(events.len());
        for stored in events {
            let payload = serde_json::to_vec(&stored.event).map_err(|e| e.to_string())?;
            let message = async_nats::jetstream::message::PublishMessage::build()
                .payload(payload.into())
                .message_id(&stored.event.id);
            let ack = self
                .context
                .send_publish(self.subject(producer, &stored.event), message)
                .await
                .map_err(|e| format!("publishing {}: {e}", stored.event.id))?;
            acks.push(ack);
        }
        for ack in acks {
            ack.await
                .map_err(|e| format!("the broker did not ack: {e}"))?;
        }
        Ok(())
    }

    /// The durable pull consumer of `sub` on its producer's stream.
    async fn consumer(&self, sub: &Subscription) -> Result<consumer::PullConsumer, String> {
        self.ensure_stream(sub.producer).await?;
        let stream = self
            .context
            .get_stream(self.stream_name(sub.producer))
            .await
            .map_err(|e| e.to_string())?;
        stream
            .get_or_create_consumer(
                sub.consumer,
                consumer::pull::Config {
                    durable_name: Some(sub.consumer.to_owned()),
                    filter_subject: format!("{}.{}.>", self.prefix, sub.producer),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: Duration::from_secs(30),
                    // Order: the next event waits until this one is handled or buried.
                    max_ack_pending: 1,
                    // Dead-lettering is ours (after events.max_attempts), not the broker's.
                    max_deliver: -1,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| format!("consumer {}: {e}", sub.name()))
    }

    /// Delivers `sub`'s events until the connection fails (then the caller starts again).
    /// `settle` decides what happens to each event: handled, retried later or buried.
    pub async fn deliver<F, Fut>(&self, sub: &Subscription, settle: F) -> Result<(), String>
    where
        F: Fn(Event, u64) -> Fut,
        Fut: std::future::Future<Output = Settled>,
    {
        let consumer = self.consumer(sub).await?;
        let mut messages = consumer.messages().await.map_err(|e| e.to_string())?;
        while let Some(message) = messages.next().await {
            let message = message.map_err(|e| e.to_string())?;
            let delivered = message.info().map(|i| i.delivered as u64).unwrap_or(1);
            let outcome = match serde_json::from_slice::<Event>(&message.payload) {
                Ok(event) if sub.event_types.contains(&event.event_type.as_str()) => {
                    settle(event, delivered).await
                }
                Ok(_) => Settled::Handled,
                Err(e) => {
                    tracing::error!(subscription = %sub.name(), error = %e, "an unreadable message; dropped");
                    Settled::Buried
                }
            };
            let ack = match outcome {
                Settled::Handled => AckKind::Ack,
                Settled::Retry(after) => AckKind::Nak(Some(after)),
                Settled::Buried => AckKind::Term,
            };
            message.ack_with(ack).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Events of `sub` the broker holds and the consumer has not acked.
    pub async fn backlog(&self, sub: &Subscription) -> Result<i64, String> {
        let info = self.progress(sub).await?;
        Ok((info.num_pending + info.num_ack_pending as u64) as i64)
    }

    /// The broker's view of `sub`'s consumer: where it acked up to, what waits.
    pub async fn progress(&self, sub: &Subscription) -> Result<consumer::Info, String> {
        let mut consumer = self.consumer(sub).await?;
        consumer.info().await.cloned().map_err(|e| e.to_string())
    }
}

/// What became of one delivered event.
pub enum Settled {
    /// The consumer's transaction committed (or it had handled it before).
    Handled,
    /// It failed; deliver it again after this long.
    Retry(Duration),
    /// It failed for the last time and was dead-lettered.
    Buried,
}
