//! Retention: the jobs that keep tables which only grow (inboxes, outboxes, stored
//! idempotent responses, payments' idempotency keys, hourly usage) bounded. Each owner
//! declares its own sweeps; the composition root runs every sweep of the process together,
//! on `[retention]`'s interval.
//!
//! A sweep removes (or rolls up) at most `batch_rows` rows per transaction and goes on until
//! nothing is left to do, so it never holds the writer for long. Sweeps are safe to run on
//! every replica at once: each step only touches rows it finds past their window.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid};
use crate::platform::db::{Db, DbConn, DbError};

type Step = dyn Fn(DateTime<Utc>, i64) -> Pin<Box<dyn Future<Output = Result<u64, String>> + Send>>
    + Send
    + Sync;

/// The `[retention]` section: when and how much the sweeps do; each table's window lives in
/// its owner's section.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Seconds between two sweeps of every table (0: never sweep).
    pub sweep_interval_secs: u64,
    /// Rows removed or rolled up per transaction.
    pub batch_rows: u32,
}

impl RetentionSettings {
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.batch_rows == 0 {
            return Err(invalid("retention.batch_rows", "must be at least 1"));
        }
        Ok(())
    }
}

/// One table's retention: `step(now, batch)` handles up to `batch` rows in one transaction
/// and says how many it handled.
#[derive(Clone)]
pub struct Sweep {
    pub name: String,
    step: Arc<Step>,
}

/// What one sweep did in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swept {
    pub name: String,
    /// Rows removed or rolled up.
    pub rows: u64,
    pub error: Option<String>,
}

impl Sweep {
    pub fn new<F, Fut>(name: impl Into<String>, step: F) -> Self
    where
        F: Fn(DateTime<Utc>, i64) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<u64, String>> + Send + 'static,
    {
        Self {
            name: name.into(),
            step: Arc::new(move |now, batch| Box::pin(step(now, batch))),
        }
    }

    /// A sweep whose step is one write transaction removing, by `remove(conn, before,
    /// batch)`, up to `batch` rows written before `before`: `keep` ago, as of the pass.
    pub fn older_than<F>(name: impl Into<String>, db: Db, keep: TimeDelta, remove: F) -> Self
    where
        F: Fn(&mut DbConn, NaiveDateTime, i64) -> diesel::QueryResult<u64>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        Self::new(name, move |now, batch| {
            let (db, remove) = (db.clone(), remove.clone());
            let before = (now - keep).naive_utc();
            async move {
                db.write(move |c| remove(c, before, batch).map_err(DbError::from))
                    .await
                    .map_err(|e: DbError| e.to_string())
            }
        })
    }

    /// Steps until a step handles less than a full batch (or fails).
    pub async fn run(&self, now: DateTime<Utc>, batch: u32) -> Swept {
        let batch = i64::from(batch.max(1));
        let mut rows = 0;
        loop {
            match (self.step)(now, batch).await {
                Ok(n) => {
                    rows += n;
                    if n < batch as u64 {
                        return self.swept(rows, None);
                    }
                }
                Err(e) => return self.swept(rows, Some(e)),
            }
        }
    }

    fn swept(&self, rows: u64, error: Option<String>) -> Swept {
        Swept {
            name: self.name.clone(),
            rows,
            error,
        }
    }
}

/// Runs every sweep once, as of `now`.
pub async fn sweep_all(sweeps: &[Sweep], now: DateTime<Utc>, batch: u32) -> Vec<Swept> {
    let mut out = Vec::with_capacity(sweeps.len());
    for sweep in sweeps {
        let swept = sweep.run(now, batch).await;
        match &swept.error {
            Some(error) => {
                tracing::warn!(sweep = %swept.name, rows = swept.rows, %error, "retention sweep failed; it runs again next time")
            }
            None if swept.rows > 0 => {
                tracing::info!(sweep = %swept.name, rows = swept.rows, "retention sweep")
            }
            None => {}
        }
        out.push(swept);
    }
    out
}

/// Sweeps every `settings.sweep_interval_secs`, the first time one interval after start.
pub async fn sweep_every(sweeps: Vec<Sweep>, settings: RetentionSettings) {
    if settings.sweep_interval_secs == 0 || sweeps.is_empty() {
        return std::future::pending().await;
    }
    let mut ticks = tokio::time::interval(Duration::from_secs(settings.sweep_interval_secs));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        sweep_all(&sweeps, Utc::now(), settings.batch_rows).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn a_sweep_steps_in_batches_until_a_short_one() {
        let left = Arc::new(Mutex::new(25_u64));
        let calls = Arc::new(Mutex::new(0));
        let (l, c) = (left.clone(), calls.clone());
        let sweep = Sweep::new("rows", move |_, batch| {
            let (l, c) = (l.clone(), c.clone());
            async move {
                *c.lock().unwrap() += 1;
                let mut left = l.lock().unwrap();
                let n = (*left).min(batch as u64);
                *left -= n;
                Ok(n)
            }
        });
        let swept = sweep.run(Utc::now(), 10).await;
        assert_eq!(swept.rows, 25);
        assert_eq!(swept.error, None);
        assert_eq!(*calls.lock().unwrap(), 3);
        assert_eq!(*left.lock().unwrap(), 0);
    }

    #[tokio::test]
    async fn a_failing_sweep_reports_what_it_did_and_the_others_still_run() {
        let failing = Sweep::new("failing", |_, _| async { Err("disk full".to_owned()) });
        let fine = Sweep::new("fine", |_, _| async { Ok(3) });
        let swept = sweep_all(&[failing, fine], Utc::now(), 10).await;
        assert_eq!(swept[0].error.as_deref(), Some("disk full"));
        assert_eq!(swept[1].rows, 3);
    }
}
