//! Counting requests in memory and reporting them: plain Rust, no I/O.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, DurationRound, NaiveDate, TimeDelta, TimeZone, Utc};

use crate::modules::governance::api::{Granularity, Subject, UsageRow, UsageSample};

/// Upper bounds (ms) of the latency buckets; one more bucket holds everything slower.
pub const LATENCY_BOUNDS_MS: [u64; 7] = [5, 10, 25, 50, 100, 250, 1000];
pub const BUCKETS: usize = LATENCY_BOUNDS_MS.len() + 1;

/// The unit counts are kept in: an hour, a subject, an operation, a status class.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsageKey {
    pub hour: DateTime<Utc>,
    pub subject: Subject,
    pub operation: String,
    /// 2 for 2xx, …
    pub status_class: i32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub latency_sum_ms: u64,
    pub buckets: [u64; BUCKETS],
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.latency_sum_ms += other.latency_sum_ms;
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
    }

    fn one(latency_ms: u64) -> Self {
        let mut buckets = [0; BUCKETS];
        let i = LATENCY_BOUNDS_MS
            .iter()
            .position(|bound| latency_ms <= *bound)
            .unwrap_or(BUCKETS - 1);
        buckets[i] = 1;
        Self {
            count: 1,
            latency_sum_ms: latency_ms,
            buckets,
        }
    }

    /// The upper bound of the bucket holding the 95th percentile (the last bound when it
    /// falls in the open bucket).
    pub fn p95_ms(&self) -> u64 {
        let target = (self.count * 95).div_ceil(100);
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target && target > 0 {
                return LATENCY_BOUNDS_MS
                    .get(i)
                    .copied()
                    .unwrap_or(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.len() - 1]);
            }
        }
        0
    }
}

pub fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::hours(1)).unwrap_or(at)
}

pub fn month_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or(at.date_naive());
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Counts gathered since the last flush.
#[derive(Debug, Default)]
pub struct Meter {
    pending: HashMap<UsageKey, Tally>,
    /// Unflushed calls per account (a user with all their keys) and month, so a quota check
    /// is one lookup, not a scan.
    per_account: HashMap<(String, DateTime<Utc>), u64>,
    total: u64,
}

impl Meter {
    fn count(&mut self, key: &UsageKey, calls: u64) {
        let account = key.subject.user_id();
        if !account.is_empty() {
            *self
                .per_account
                .entry((account.to_owned(), month_start(key.hour)))
                .or_default() += calls;
        }
        self.total += calls;
    }

    pub fn record(&mut self, sample: UsageSample) {
        let key = UsageKey {
            hour: hour_of(sample.at),
            subject: sample.subject,
            operation: sample.operation,
            status_class: i32::from(sample.status / 100),
        };
        let latency_ms = u64::try_from(sample.latency.as_millis()).unwrap_or(u64::MAX);
        self.count(&key, 1);
        self.pending
            .entry(key)
            .or_default()
            .add(&Tally::one(latency_ms));
    }

    /// Everything gathered so far, leaving the meter empty.
    pub fn take(&mut self) -> HashMap<UsageKey, Tally> {
        self.per_account.clear();
        self.total = 0;
        std::mem::take(&mut self.pending)
    }

    /// Puts back counts a failed flush could not write.
    pub fn restore(&mut self, counts: HashMap<UsageKey, Tally>) {
        for (key, tally) in counts {
            self.count(&key, tally.count);
            self.pending.entry(key).or_default().add(&tally);
        }
    }

    pub fn pending_total(&self) -> u64 {
        self.total
    }

    /// Unflushed calls of `user_id` and their keys in the month starting at `month`.
    pub fn pending_in_month(&self, user_id: &str, month: DateTime<Utc>) -> u64 {
        self.per_account
            .get(&(user_id.to_owned(), month))
            .copied()
            .unwrap_or(0)
    }
}

/// Hourly counts added up per day (each under its day's 00:00 UTC): what the usage table
/// keeps of hours past `governance.usage_hourly_days`.
pub fn into_days(hourly: impl IntoIterator<Item = (UsageKey, Tally)>) -> HashMap<UsageKey, Tally> {
    let mut days: HashMap<UsageKey, Tally> = HashMap::new();
    for (mut key, tally) in hourly {
        key.hour = period_of(key.hour, Granularity::Day);
        days.entry(key).or_default().add(&tally);
    }
    days
}

fn period_of(hour: DateTime<Utc>, granularity: Granularity) -> DateTime<Utc> {
    match granularity {
        Granularity::Hour => hour,
        Granularity::Day => hour.duration_trunc(TimeDelta::days(1)).unwrap_or(hour),
    }
}

/// Rolls hourly counts up into report rows: one per period, subject, operation and status
/// class, in time order.
pub fn report_rows(
    hourly: impl IntoIterator<Item = (UsageKey, Tally)>,
    granularity: Granularity,
) -> Vec<UsageRow> {
    let mut rolled: HashMap<UsageKey, Tally> = HashMap::new();
    for (mut key, tally) in hourly {
        key.hour = period_of(key.hour, granularity);
        rolled.entry(key).or_default().add(&tally);
    }
    let mut rows: Vec<(UsageKey, Tally)> = rolled.into_iter().collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.into_iter()
        .map(|(key, tally)| UsageRow {
            period_start: key.hour,
            subject: key.subject.kind().to_owned(),
            key_id: matches!(key.subject, Subject::ApiKey { .. }).then(|| key.subject.id().into()),
            user_id: Some(key.subject.user_id().to_owned()).filter(|u| !u.is_empty()),
            operation: key.operation,
            status_class: format!("{}xx", key.status_class),
            count: tally.count,
            latency_avg_ms: if tally.count == 0 {
                0.0
            } else {
                tally.latency_sum_ms as f64 / tally.count as f64
            },
            latency_p95_ms: tally.p95_ms(),
            latency_buckets: tally.buckets.to_vec(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn sample(when: &str, subject: Subject, status: u16, ms: u64) -> UsageSample {
        UsageSample {
            at: at(when),
            subject,
            operation: "GET /v1/menu".into(),
            status,
            latency: Duration::from_millis(ms),
        }
    }

    fn key(id: &str) -> Subject {
        key_of(id, "u1")
    }

    fn key_of(id: &str, user: &str) -> Subject {
        Subject::ApiKey {
            key_id: id.into(),
            user_id: user.into(),
        }
    }

    #[test]
    fn calls_in_one_hour_share_a_tally_with_latency_buckets() {
        let mut meter = Meter::default();
        meter.record(sample("2026-11-21T10:05:00Z", key("k1"), 200, 3));
        meter.record(sample("2026-11-21T10:59:59Z", key("k1"), 204, 40));
        meter.record(sample("2026-11-21T10:10:00Z", key("k1"), 404, 2000));
        meter.record(sample("2026-11-21T11:00:00Z", key("k1"), 200, 1));
        let counts = meter.take();
        assert_eq!(counts.len(), 3);
        let ok = &counts[&UsageKey {
            hour: at("2026-11-21T10:00:00Z"),
            subject: key("k1"),
            operation: "GET /v1/menu".into(),
            status_class: 2,
        }];
        assert_eq!(ok.count, 2);
        assert_eq!(ok.latency_sum_ms, 43);
        assert_eq!(ok.buckets, [1, 0, 0, 1, 0, 0, 0, 0]);
        assert!(meter.take().is_empty(), "take empties the meter");
    }

    #[test]
    fn a_failed_flush_puts_counts_back_and_pending_counts_feed_quotas() {
        let mut meter = Meter::default();
        meter.record(sample("2026-10-31T23:00:00Z", key("k1"), 200, 1));
        meter.record(sample("2026-11-02T08:00:00Z", key("k1"), 200, 1));
        let taken = meter.take();
        meter.record(sample("2026-11-02T09:00:00Z", key("k1"), 500, 1));
        meter.record(sample("2026-11-02T09:00:00Z", key_of("k2", "u2"), 200, 1));
        meter.record(sample(
            "2026-11-02T10:00:00Z",
            Subject::User("u1".into()),
            200,
            1,
        ));
        meter.record(sample("2026-11-02T10:00:00Z", Subject::Anonymous, 200, 1));
        meter.restore(taken);
        let november = month_start(at("2026-11-21T12:00:00Z"));
        assert_eq!(november, at("2026-11-01T00:00:00Z"));
        // An account's count covers its own calls and every one of its keys'.
        assert_eq!(meter.pending_in_month("u1", november), 3);
        assert_eq!(meter.pending_in_month("u2", november), 1);
        assert_eq!(meter.pending_in_month("", november), 0);
        let october = month_start(at("2026-10-15T00:00:00Z"));
        assert_eq!(meter.pending_in_month("u1", october), 1);
        assert_eq!(meter.pending_total(), 6);
    }

    #[test]
    fn reports_roll_hours_into_days_and_estimate_p95() {
        let mut meter = Meter::default();
        for i in 0..20 {
            let ms = if i == 19 { 900 } else { 8 };
            meter.record(sample("2026-11-21T10:00:00Z", key("k1"), 200, ms));
        }
        meter.record(sample("2026-11-21T15:00:00Z", key("k1"), 200, 8));
        meter.record(sample("2026-11-21T15:00:00Z", Subject::Anonymous, 429, 0));
        let daily = report_rows(meter.take(), Granularity::Day);
        assert_eq!(daily.len(), 2);
        let keyed = daily.iter().find(|r| r.subject == "api_key").unwrap();
        assert_eq!(keyed.period_start, at("2026-11-21T00:00:00Z"));
        assert_eq!(keyed.count, 21);
        assert_eq!(keyed.key_id.as_deref(), Some("k1"));
        assert_eq!(keyed.user_id.as_deref(), Some("u1"));
        assert_eq!(keyed.status_class, "2xx");
        assert_eq!(keyed.latency_p95_ms, 10);
        let anonymous = daily.iter().find(|r| r.subject == "anonymous").unwrap();
        assert_eq!(
            (anonymous.status_class.as_str(), anonymous.user_id.clone()),
            ("4xx", None)
        );
    }

    #[test]
    fn hours_become_their_day_s_row_at_midnight_utc() {
        let mut meter = Meter::default();
        meter.record(sample("2026-03-01T00:10:00Z", key("k1"), 200, 3));
        meter.record(sample("2026-03-01T09:10:00Z", key("k1"), 200, 30));
        meter.record(sample("2026-03-01T23:59:00Z", key("k1"), 200, 3));
        meter.record(sample("2026-03-02T00:00:00Z", key("k1"), 200, 3));
        meter.record(sample("2026-03-01T09:10:00Z", key("k1"), 500, 3));
        let days = into_days(meter.take());
        let day = |when: &str, status_class| UsageKey {
            hour: at(when),
            subject: key("k1"),
            operation: "GET /v1/menu".into(),
            status_class,
        };
        assert_eq!(days.len(), 3);
        let first = days[&day("2026-03-01T00:00:00Z", 2)];
        assert_eq!(first.count, 3);
        assert_eq!(first.latency_sum_ms, 36);
        assert_eq!(first.buckets[0], 2);
        assert_eq!(days[&day("2026-03-02T00:00:00Z", 2)].count, 1);
        assert_eq!(days[&day("2026-03-01T00:00:00Z", 5)].count, 1);
    }
}
