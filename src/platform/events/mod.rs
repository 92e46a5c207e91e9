//! Durable events between modules: a transactional outbox per producing module, an inbox per
//! consumer, and a dispatcher that carries one to the other.
//!
//! A module appends its events to its own outbox table in the transaction that made the
//! change, then wakes the dispatcher. The dispatcher keeps one cursor per subscription
//! (consumer ← producer), hands events to the consumer in outbox order, retries failures with
//! exponential backoff and dead-letters an event after `events.max_attempts`. Consumers record
//! handled event ids in their inbox inside their own transaction, so the redelivery that
//! at-least-once implies changes nothing. Only the dispatcher knows how events travel: read
//! from the outbox tables in-process, or relayed through NATS JetStream (`jetstream`).

mod bus;
mod consume;
mod envelope;
mod jetstream;
mod outbox;
mod retention;
mod store;
mod wake;

pub use bus::{DeadLetter, EventBus, EventHandler, RedriveError, Subscription, SubscriptionHealth};
pub use consume::{EventTables, Outgoing};
pub use envelope::{Event, StoredEvent};
pub use outbox::{Horizon, OutboxTable, Page, head as outbox_head, scan};
pub use retention::sweeps;
pub use store::Cursor;
pub use wake::Wake;

#[cfg(test)]
mod tests;
