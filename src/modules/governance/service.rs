//! The governance module's implementation of its contract.

mod audit;
pub mod usage_roll_up;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use crate::modules::governance::api::{
    AuditPage, AuditQuery, GovernanceApi, GovernanceError, Inventory, UsageQuery, UsageReport,
    UsageSample,
};
use crate::modules::governance::domain::usage::{
    LATENCY_BOUNDS_MS, Meter, Tally, UsageKey, month_start, report_rows,
};
use crate::modules::governance::store::{self, UsageFilter};
use crate::modules::identity::api::{Call, roles};
use crate::platform::db::Db;
use crate::platform::events::{Event, EventHandler, Wake};
use crate::platform::validation::FieldError;

/// Longest report span, and most hourly rows one report may read.
const MAX_SPAN_DAYS: i64 = 366;
const MAX_ROWS: i64 = 200_000;

/// An account's stored calls this month, as last read, plus what this process flushed since.
struct CachedCount {
    read_at: Instant,
    month: DateTime<Utc>,
    calls: u64,
}

pub struct GovernanceService {
    db: Db,
    meter: Mutex<Meter>,
    /// Keyed by user id: a user's own calls and their keys' count together.
    counts: Mutex<HashMap<String, CachedCount>>,
    cache_for: Duration,
    inventory: Inventory,
    wake: Wake,
}

impl GovernanceService {
    pub fn new(db: Db, cache_for: Duration, inventory: Inventory, wake: Wake) -> Self {
        Self {
            db,
            meter: Mutex::default(),
            counts: Mutex::default(),
            cache_for,
            inventory,
            wake,
        }
    }

    fn meter(&self) -> std::sync::MutexGuard<'_, Meter> {
        self.meter.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedCount>> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps cached monthly counts in step with what this process just wrote.
    fn note_flushed(&self, flushed: &HashMap<UsageKey, Tally>) {
        let mut cached = self.cached();
        for (key, tally) in flushed {
            if let Some(c) = cached.get_mut(key.subject.user_id())
                && key.hour >= c.month
            {
                c.calls += tally.count;
            }
        }
    }
}

fn invalid(field: &str, message: &str) -> GovernanceError {
    GovernanceError::Validation(vec![FieldError::new(field, "invalid", message)])
}

#[async_trait]
impl GovernanceApi for GovernanceService {
    async fn record(&self, sample: UsageSample) {
        self.meter().record(sample);
    }

    async fn unflushed(&self) -> u64 {
        self.meter().pending_total()
    }

    async fn flush_usage(&self) -> Result<(), GovernanceError> {
        let counts = self.meter().take();
        if counts.is_empty() {
            return Ok(());
        }
        let batch = counts.clone();
        let written = self
            .db
            .write(move |conn| store::add_counts(conn, &batch).map_err(GovernanceError::from))
            .await;
        match written {
            Ok(()) => {
                self.note_flushed(&counts);
                Ok(())
            }
            Err(e) => {
                self.meter().restore(counts);
                Err(e)
            }
        }
    }

    async fn account_calls_this_month(&self, user_id: &str) -> Result<u64, GovernanceError> {
        let month = month_start(Utc::now());
        let fresh = self
            .cached()
            .get(user_id)
            .filter(|c| c.month == month && c.read_at.elapsed() < self.cache_for)
            .map(|c| c.calls);
        let stored = match fresh {
            Some(calls) => calls,
            None => {
                let who = user_id.to_owned();
                let calls = self
                    .db
                    .scan(move |conn| {
                        store::account_calls_since(conn, &who, month).map_err(GovernanceError::from)
                    })
                    .await?;
                self.cached().insert(
                    user_id.to_owned(),
                    CachedCount {
                        read_at: Instant::now(),
                        month,
                        calls,
                    },
                );
                calls
            }
        };
        Ok(stored + self.meter().pending_in_month(user_id, month))
    }

    async fn usage(
        &self,
        viewer: &Call,
        mut query: UsageQuery,
    ) -> Result<UsageReport, GovernanceError> {
        if may_administer(viewer).is_err() {
            // A key's owner sees that key's calls, which are counted to their account.
            if query.key.is_none() {
                return Err(GovernanceError::Forbidden(
                    "only admins read usage beyond their own API keys".into(),
                ));
            }
            query.user = Some(viewer.user_id.clone());
        }
        let to = query.to.unwrap_or_else(Utc::now);
        let from = query.from.unwrap_or(to - TimeDelta::days(30));
        if from >= to {
            return Err(invalid("from", "must be before `to`"));
        }
        if to - from > TimeDelta::days(MAX_SPAN_DAYS) {
            return Err(invalid(
                "from",
                &format!("a report spans at most {MAX_SPAN_DAYS} days"),
            ));
        }
        // A report includes the calls counted so far, not only the last flush.
        self.flush_usage().await?;
        let group_by = query.group_by.unwrap_or_default();
        let filter = UsageFilter {
            key: query.key,
            user: query.user,
            operation: query.operation,
            // Hourly rows: the hour holding `from` counts from its start.
            from: crate::modules::governance::domain::usage::hour_of(from),
            to,
        };
        let hourly = self
            .db
            .scan(move |conn| {
                store::load(conn, &filter, MAX_ROWS + 1).map_err(GovernanceError::from)
            })
            .await?;
        if hourly.len() as i64 > MAX_ROWS {
            return Err(invalid(
                "from",
                "too many rows for one report; narrow the range or filter by key, user or operation",
            ));
        }
        let data = report_rows(hourly, group_by);
        Ok(UsageReport {
            from,
            to,
            group_by,
            latency_bucket_bounds_ms: LATENCY_BOUNDS_MS.to_vec(),
            total: data.iter().map(|r| r.count).sum(),
            data,
        })
    }

    async fn inventory(&self, admin: &Call) -> Result<Inventory, GovernanceError> {
        may_administer(admin)?;
        Ok(self.inventory.clone())
    }

    async fn audit(&self, admin: &Call, query: AuditQuery) -> Result<AuditPage, GovernanceError> {
        may_administer(admin)?;
        audit::page(&self.db, query).await
    }
}

#[async_trait]
impl EventHandler for GovernanceService {
    async fn handle(&self, event: &Event) -> Result<(), String> {
        audit::consume(&self.db, &self.wake, event).await
    }
}

/// Only admins read usage, the inventory and the audit trail, whoever calls.
fn may_administer(admin: &Call) -> Result<(), GovernanceError> {
    admin
        .require(roles::ADMINS)
        .map_err(GovernanceError::Forbidden)
}
