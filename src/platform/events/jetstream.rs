//! `events.transport = "jetstream"`: the hop between a producer's outbox and a consumer's
//! inbox goes through NATS JetStream, so producer and consumer need not share a database.
//!
//! A relay per producing module publishes its outbox, oldest first, to the module's stream
//! (`<PREFIX>_<PRODUCER>`, subjects `<prefix>.<producer>.<type>.v<version>`), each message
//! with the event id as `Nats-Msg-Id`, and moves its cursor only once the broker acked. Each
//! subscription is a durable pull consumer on its producer's stream with explicit acks,
//! delivered by one process at a time (the lease on its cursor row, as in-process), which
//! handles events in stream order: so per aggregate, and overall. A message is acked after
//! the consumer's inbox transaction committed; a failure is retried in place with backoff
//! (the events behind it wait, as in-process) and dead-lettered (stored for the admin
//! endpoints, then terminated) after `events.max_attempts`. The inbox stays the real
//! de-duplication: the broker's window is minutes.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};

use super::bus::Subscription;
use super::{Event, StoredEvent};
use crate::platform::config::{EventSettings, StreamStorage};

/// Events handed over ahead of the last ack.
pub const IN_FLIGHT: i64 = 64;
/// How long the broker waits for an ack before handing an event over again; a consumer
/// retrying one reports progress well within it.
pub const ACK_WAIT: Duration = Duration::from_secs(10);

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
                    ack_wait: ACK_WAIT,
                    // One process delivers a subscription at a time (its lease), handling
                    // events in stream order; the window only saves round trips.
                    max_ack_pending: IN_FLIGHT,
                    // Dead-lettering is ours (after events.max_attempts), not the broker's.
                    max_deliver: -1,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| format!("consumer {}: {e}", sub.name()))
    }

    /// `sub`'s events as the broker hands them over, in stream order, a window of
    /// [`IN_FLIGHT`] ahead of the last ack.
    pub async fn messages(&self, sub: &Subscription) -> Result<consumer::pull::Stream, String> {
        self.consumer(sub)
            .await?
            .stream()
            .max_messages_per_batch(IN_FLIGHT as usize / 2)
            .messages()
            .await
            .map_err(|e| e.to_string())
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
