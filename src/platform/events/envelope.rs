//! The versioned JSON envelope every event travels in.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::platform::ids::new_id;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "evt_0193a5c27d1e7cc09a513e0b8f0e2f11", "type": "order.paid", "version": 1,
    "occurred_at": "2026-11-21T12:00:00Z", "aggregate_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f11",
    "payload": {"order_id": "ord_0193a5c27d1e7cc09a513e0b8f0e2f11"}
}))]
pub struct Event {
    pub id: String,
    /// `<aggregate>.<past-tense verb>`, e.g. `order.paid`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Version of the payload's schema; a consumer refuses a version it does not read.
    pub version: i32,
    pub occurred_at: DateTime<Utc>,
    /// Events of one aggregate are delivered in the order they happened.
    pub aggregate_id: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl Event {
    pub fn new<P: Serialize>(
        event_type: &str,
        version: i32,
        aggregate_id: &str,
        payload: &P,
    ) -> Self {
        Self {
            id: new_id("evt"),
            event_type: event_type.to_owned(),
            version,
            occurred_at: Utc::now(),
            aggregate_id: aggregate_id.to_owned(),
            payload: serde_json::to_value(payload).unwrap_or(serde_json::Value::Null),
        }
    }

    /// Reads the payload as the consumer's own view of it, for the payload `versions` that
    /// view understands (a tolerant reader: unknown fields are ignored, so producers may add
    /// some without breaking anyone). Any other version is refused rather than misread: the
    /// dispatcher retries it, then dead-letters it for an operator to re-drive once the
    /// consumer reads that version.
    pub fn payload<P: DeserializeOwned>(&self, versions: &[i32]) -> Result<P, String> {
        if !versions.contains(&self.version) {
            return Err(format!(
                "{} v{}: this consumer reads only versions {versions:?}",
                self.event_type, self.version
            ));
        }
        P::deserialize(&self.payload)
            .map_err(|e| format!("{} v{} payload: {e}", self.event_type, self.version))
    }
}

/// An event as read back from an outbox, with its position there.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub event: Event,
}

impl StoredEvent {
    pub fn from_row(
        (seq, id, event_type, version, aggregate_id, occurred_at, payload): (
            i64,
            String,
            String,
            i32,
            String,
            NaiveDateTime,
            String,
        ),
    ) -> Self {
        Self {
            seq,
            event: Event {
                id,
                event_type,
                version,
                occurred_at: occurred_at.and_utc(),
                aggregate_id,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            },
        }
    }
}
