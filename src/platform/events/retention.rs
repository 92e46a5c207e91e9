//! How long events stay: an outbox keeps what a reader has not taken yet, and what it has
//! taken for `events.outbox_retention_hours` (so live feeds can resume); an inbox remembers a
//! handled event for `events.inbox_retention_hours` (as long as it could be delivered again).

use std::sync::Arc;

use chrono::TimeDelta;

use super::{OutboxTable, store};
use crate::platform::config::{EventSettings, EventTransport};
use crate::platform::db::{Db, DbError};
use crate::platform::retention::Sweep;

/// The sweeps of the event tables this process owns (`tables`: one per hosted producer).
pub fn sweeps(db: &Db, settings: &EventSettings, tables: &[Arc<dyn OutboxTable>]) -> Vec<Sweep> {
    let over_broker = settings.transport == EventTransport::Jetstream;
    let outbox_window = TimeDelta::hours(i64::from(settings.outbox_retention_hours));
    let inbox_window = TimeDelta::hours(i64::from(settings.inbox_retention_hours));
    let mut out = Vec::new();
    for table in tables {
        let producer = table.producer();
        let (db_o, table_o) = (db.clone(), table.clone());
        out.push(Sweep::new(
            format!("{producer}_outbox"),
            move |now, limit| {
                let (db, table) = (db_o.clone(), table_o.clone());
                let before = (now - outbox_window).naive_utc();
                async move {
                    db.write(move |c| {
                        let taken = store::taken_up_to(c, producer, over_broker)?;
                        let taken = if over_broker {
                            // Nothing has been relayed until the relay has a cursor.
                            taken.unwrap_or(0)
                        } else {
                            taken.unwrap_or(i64::MAX)
                        };
                        table.trim(c, taken, before, limit).map_err(DbError::from)
                    })
                    .await
                    .map_err(|e: DbError| e.to_string())
                }
            },
        ));
        let table = table.clone();
        out.push(Sweep::older_than(
            format!("{producer}_inbox"),
            db.clone(),
            inbox_window,
            move |c, before, limit| table.forget_handled(c, before, limit),
        ));
    }
    out
}
