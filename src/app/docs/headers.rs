//! Response headers clients read, declared once in `components.headers` and referenced from
//! every response that carries them.

use serde_json::{Map, Value, json};

/// `(name, description, schema)` of each shared response header.
fn definitions() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "X-Request-Id",
            "The request's id (yours if sane, else a fresh UUIDv7); problems cite it as `instance`",
            json!({"type": "string", "maxLength": 128, "pattern": "^[A-Za-z0-9._:-]{1,128}$"}),
        ),
        (
            "RateLimit",
            "The binding window of the caller's plan: `\"minute\";r=12;t=40` (calls left, seconds to reset)",
            json!({"type": "string", "maxLength": 256}),
        ),
        (
            "RateLimit-Policy",
            "Every window of the caller's plan: `\"second\";q=10;w=1, \"minute\";q=300;w=60`",
            json!({"type": "string", "maxLength": 512}),
        ),
        (
            "Retry-After",
            "Seconds to wait before retrying",
            json!({"type": "integer", "format": "int64", "minimum": 0, "maximum": 2_678_400}),
        ),
        (
            "Access-Control-Allow-Origin",
            "Present when the request's `Origin` is one of `server.cors_allowed_origins` (never `*`)",
            json!({"type": "string", "maxLength": 2048, "format": "uri"}),
        ),
        (
            "Location",
            "Where the created resource is",
            json!({"type": "string", "maxLength": 2048, "format": "uri-reference"}),
        ),
        (
            "ETag",
            "The representation's version; send it as `If-None-Match` (304) or `If-Match` (412)",
            json!({"type": "string", "maxLength": 64}),
        ),
        (
            "Idempotent-Replayed",
            "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`",
            json!({"type": "string", "enum": ["true"]}),
        ),
    ]
}

pub fn components() -> Value {
    let mut headers = Map::new();
    for (name, description, schema) in definitions() {
        headers.insert(
            name.to_owned(),
            json!({"description": description, "schema": schema}),
        );
    }
    Value::Object(headers)
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// Declares on each of `operation`'s responses the headers it carries.
pub fn declare(path: &str, method: &str, operation: &mut Value, idempotent: bool) {
    let Some(responses) = super::responses_mut(operation) else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        let Some(response) = response.as_object_mut() else {
            continue;
        };
        let class = status.chars().next().unwrap_or('5');
        let json_body = response
            .get("content")
            .and_then(|c| c.get("application/json"))
            .is_some();
        let mut names = vec!["X-Request-Id", "Access-Control-Allow-Origin"];
        if path.starts_with("/v1/") && matches!(class, '2' | '4') {
            names.extend(["RateLimit", "RateLimit-Policy"]);
        }
        if status == "429" || status == "503" {
            names.push("Retry-After");
        }
        if status == "201" {
            names.push("Location");
        }
        if method == "get" && status == "200" && json_body {
            names.push("ETag");
        }
        if idempotent && class == '2' {
            names.push("Idempotent-Replayed");
        }
        let headers = response
            .entry("headers")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("headers is an object");
        for name in names {
            headers.insert(name.to_owned(), reference(name));
        }
    }
}
