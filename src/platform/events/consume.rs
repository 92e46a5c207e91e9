//! The one way a module consumes an event: once, in one transaction with what it changes and
//! with the events it publishes in answer.

use std::fmt::Display;

use diesel::QueryResult;

use super::{Event, OutboxTable, Wake};
use crate::platform::db::{Db, DbConn, DbError};

/// A module's inbox and outbox, as `event_tables!` declares them (`store::TABLES`).
#[derive(Clone, Copy)]
pub struct EventTables {
    pub outbox: &'static dyn OutboxTable,
    /// Records an event as handled; `false` when it already was.
    pub first_delivery: fn(&mut DbConn, &str) -> QueryResult<bool>,
}

/// What a consumer publishes in answer to an event, appended in the same transaction.
#[derive(Default)]
pub struct Outgoing(Vec<Event>);

impl Outgoing {
    pub fn publish(&mut self, event: Event) {
        self.0.push(event);
    }
}

impl EventTables {
    /// Handles `event` at most once: in one write transaction, records it in the inbox (a
    /// repeat stops there, answering `None`), runs `work`, and appends what `work` published
    /// to the outbox; then wakes the dispatcher if anything was published. A failure rolls
    /// all of it back, so the dispatcher's retry finds the event unhandled.
    pub async fn consume<T, E, F>(
        &self,
        db: &Db,
        wake: &Wake,
        event: &Event,
        work: F,
    ) -> Result<Option<T>, String>
    where
        F: FnOnce(&mut DbConn, &mut Outgoing) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Display + Send + 'static,
    {
        let tables = *self;
        let event_id = event.id.clone();
        let (answer, published) = db
            .write(move |c| {
                if !(tables.first_delivery)(c, &event_id)? {
                    return Ok((None, false));
                }
                let mut outgoing = Outgoing::default();
                let answer = work(c, &mut outgoing)?;
                if !outgoing.0.is_empty() {
                    tables.outbox.append(c, &outgoing.0)?;
                }
                Ok::<_, E>((Some(answer), !outgoing.0.is_empty()))
            })
            .await
            .map_err(|e| e.to_string())?;
        if published {
            wake.published();
        }
        Ok(answer)
    }
}
