//! Usage metering's data: what is counted, and how it is reported.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// Who made a request: the unit usage is counted and quotas are enforced in.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Subject {
    /// An API key (`key_…`) and the user who owns it.
    ApiKey {
        key_id: String,
        user_id: String,
    },
    /// A signed-in user calling with an access token.
    User(String),
    Anonymous,
}

impl Subject {
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::ApiKey { .. } => "api_key",
            Subject::User(_) => "user",
            Subject::Anonymous => "anonymous",
        }
    }

    /// The key's id, the user's id, or empty.
    pub fn id(&self) -> &str {
        match self {
            Subject::ApiKey { key_id, .. } => key_id,
            Subject::User(id) => id,
            Subject::Anonymous => "",
        }
    }

    /// The user behind the call (a key's owner), or empty.
    pub fn user_id(&self) -> &str {
        match self {
            Subject::ApiKey { user_id, .. } => user_id,
            Subject::User(id) => id,
            Subject::Anonymous => "",
        }
    }
}

/// One served request.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UsageSample {
    pub at: DateTime<Utc>,
    pub subject: Subject,
    /// `METHOD /route/{pattern}`, or `METHOD (unmatched)`.
    pub operation: String,
    pub status: u16,
    pub latency: Duration,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Hour,
    #[default]
    Day,
}

/// Filters of a usage report. Without `from`/`to`: the last 30 days.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Only this API key's calls.
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub key: Option<String>,
    /// Only this user's calls (with an access token or any of their API keys).
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub user: Option<String>,
    /// Only this operation, e.g. `GET /v1/menu`.
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub operation: Option<String>,
    /// Start (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// End (exclusive), RFC 3339.
    pub to: Option<DateTime<Utc>>,
    /// Period of each row: `hour` or `day` (default).
    pub group_by: Option<Granularity>,
}

/// Calls of one subject to one operation with one status class in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsageRow {
    pub period_start: DateTime<Utc>,
    /// `api_key`, `user` or `anonymous`.
    pub subject: String,
    /// The API key, for `api_key` rows.
    pub key_id: Option<String>,
    /// The user (a key's owner for `api_key` rows).
    pub user_id: Option<String>,
    pub operation: String,
    /// `2xx`, `3xx`, `4xx` or `5xx`.
    pub status_class: String,
    pub count: u64,
    /// Mean latency in milliseconds.
    pub latency_avg_ms: f64,
    /// 95th percentile, estimated from latency buckets (the bucket's upper bound).
    pub latency_p95_ms: u64,
    /// Calls per latency bucket, keyed by the bucket's upper bound in ms (`+Inf` last).
    pub latency_buckets: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"from": "2026-11-21T00:00:00Z", "to": "2026-11-22T00:00:00Z", "group_by": "hour",
    "latency_bucket_bounds_ms": [5, 10, 25, 50, 100, 250, 1000], "total": 42,
    "data": [{"period_start": "2026-11-21T12:00:00Z", "subject": "api_key", "key_id": "key_0193a5c27d1e7cc09a513e0b8f0e2f21",
        "user_id": "usr_0193a5c27d1e7cc09a513e0b8f0e2f01", "operation": "GET /v1/orders", "status_class": "2xx",
        "count": 42, "latency_avg_ms": 3.5, "latency_p95_ms": 10, "latency_buckets": [30, 10, 2, 0, 0, 0, 0, 0]}]}))]
pub struct UsageReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub group_by: Granularity,
    /// Upper bounds (ms) of `latency_buckets`; the last bucket has none.
    pub latency_bucket_bounds_ms: Vec<u64>,
    pub total: u64,
    pub data: Vec<UsageRow>,
}
