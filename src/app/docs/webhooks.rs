//! The document's `webhooks` section (OpenAPI 3.1): each event partners may receive, described
//! exactly as their endpoint gets it, so receivers can generate its payload types.

use serde_json::{Map, Value, json};

use crate::modules::webhooks::api::EventType;

fn signature_headers() -> Value {
    let header = |name: &str, description: &str, max: u64| {
        json!({"name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string", "maxLength": max}})
    };
    json!([
        header(
            "webhook-id",
            "The delivery's id: the same on every retry, so receivers can drop repeats",
            64
        ),
        header(
            "webhook-timestamp",
            "Unix seconds when this attempt was signed; refuse old ones",
            20
        ),
        header(
            "webhook-signature",
            "`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per live secret, space-separated (Standard Webhooks)",
            1024
        ),
    ])
}

fn operation(event: &EventType) -> Value {
    let body = json!({
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "properties": {
            "type": {"type": "string", "enum": [event.event_type]},
            "timestamp": {"type": "string", "format": "date-time", "maxLength": 64},
            "data": event.data_schema,
        }
    });
    json!({"post": {
        "operationId": format!("webhook_{}", event.event_type.replace('.', "_")),
        "summary": event.summary,
        "tags": ["webhooks"],
        "description": format!(
            "Sent to each endpoint subscribed to `{}` (version {}), signed per Standard Webhooks. \
             Any 2xx acknowledges it; 410 disables the endpoint; anything else is retried on \
             the configured schedule with the same `webhook-id`.",
            event.event_type, event.version
        ),
        "parameters": signature_headers(),
        "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": {"description": "Received (any 2xx will do)"},
            "410": {"description": "Gone: Brigade disables the endpoint and sends nothing more"}
        },
        "security": [{}]
    }})
}

pub fn section(events: &[EventType]) -> Value {
    let mut hooks = Map::new();
    for event in events {
        hooks.insert(event.event_type.clone(), operation(event));
    }
    Value::Object(hooks)
}
