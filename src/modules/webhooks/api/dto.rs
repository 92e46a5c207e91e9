//! What the module's calls take and return.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// An event partners may receive, and the shape of its `data`. Receivers get
/// `{"type", "timestamp", "data"}` bodies (see the document's `webhooks`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"event_type": "order.paid", "version": 1,
    "summary": "The order was paid; the kitchen can start.",
    "data_schema": {"type": "object", "required": ["order_id"],
        "properties": {"order_id": {"type": "string", "maxLength": 64}}}}))]
pub struct EventType {
    #[schema(max_length = 64)]
    pub event_type: String,
    #[schema(minimum = 1, maximum = 1000)]
    pub version: u32,
    #[schema(max_length = 500)]
    pub summary: String,
    /// JSON Schema of the event's `data`.
    #[schema(value_type = Object)]
    pub data_schema: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventTypeList {
    #[schema(max_items = 100)]
    pub data: Vec<EventType>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://pos.example.com/brigade", "event_types": ["order.paid", "order.ready"]}))]
pub struct NewWebhookEndpoint {
    /// `https://` to a public address.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// Event types to receive (see the inventory's events).
    #[validate(length(min = 1, max = 50))]
    #[schema(schema_with = event_type_list)]
    pub event_types: Vec<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum WebhookEndpointStatus {
    Active,
    /// The receiver answered 410 Gone; nothing more is sent.
    Disabled,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "whe_0193a5c27d1e7cc09a513e0b8f0e2f71", "url": "https://pos.example.com/brigade",
    "event_types": ["order.paid", "order.ready"], "description": "Till display", "status": "active",
    "disabled_reason": null, "previous_secret_expires_at": null, "created_at": "2026-11-21T09:30:00Z"}))]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub description: Option<String>,
    pub status: WebhookEndpointStatus,
    pub disabled_reason: Option<String>,
    /// Until when the previous secret still signs too, after a rotation.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An endpoint with its signing secret — shown only when created or rotated.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookEndpointWithSecret {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// `whsec_…`: verify `webhook-signature` with it. Shown once.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookEndpointList {
    pub data: Vec<WebhookEndpoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Stored by the same names (`strum`), read back strictly.
#[derive(strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum WebhookDeliveryStatus {
    Pending,
    Succeeded,
    /// Retries spent, or the endpoint is gone.
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookAttempt {
    pub at: DateTime<Utc>,
    /// The receiver's status code; absent when no answer came.
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "whd_0193a5c27d1e7cc09a513e0b8f0e2f72", "endpoint_id": "whe_0193a5c27d1e7cc09a513e0b8f0e2f71",
    "event_id": "evt_0193a5c27d1e7cc09a513e0b8f0e2f42", "event_type": "order.paid", "status": "succeeded",
    "attempts": [{"at": "2026-11-21T12:00:01Z", "status_code": 200, "duration_ms": 84, "error": null}],
    "next_attempt_at": null, "created_at": "2026-11-21T12:00:00Z"}))]
pub struct WebhookDelivery {
    /// The `webhook-id`, the same on every retry.
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    pub status: WebhookDeliveryStatus,
    pub attempts: Vec<WebhookAttempt>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

crate::page_of! {
    WebhookDeliveryPage of WebhookDelivery
}

crate::paged_query! {
    #[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    pub struct WebhookDeliveryQuery {
    }
}

/// One to fifty event types such as `order.paid` (the document lists those partners receive).
fn event_type_list() -> utoipa::openapi::schema::Array {
    crate::platform::openapi::string_list(1, 50, 64, Some("^[a-z_]+\\.[a-z_]+$"))
}
