//! The gateway's outbox: events it publishes (`audit.recorded`) for the dispatcher to deliver.

crate::event_tables!("gateway", outbox = gateway_outbox, inbox = gateway_inbox);
