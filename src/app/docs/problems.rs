//! The problem responses every operation shares, each with an example of its own status, and
//! the `Idempotency-Key` parameter of creating POSTs.

use serde_json::{Value, json};

/// What a problem of `status` looks like, as an example for its response.
fn example(status: u16) -> Value {
    let (slug, title, detail) = match status {
        400 => (
            "malformed-json",
            "Malformed JSON",
            "the body is not valid JSON (line 1, column 2)",
        ),
        401 => (
            "unauthorized",
            "Authentication required",
            "the token is invalid, expired or revoked",
        ),
        402 => (
            "payment-declined",
            "Payment declined",
            "the card was declined: card_declined",
        ),
        403 => (
            "forbidden",
            "Forbidden",
            "this operation needs one of the roles: staff",
        ),
        404 => ("not-found", "Not found", "no resource with this id"),
        408 => (
            "request-timeout",
            "Request timeout",
            "the request body did not arrive within 10000 ms",
        ),
        409 => (
            "conflict",
            "Conflict",
            "the resource changed meanwhile; retry",
        ),
        412 => (
            "precondition-failed",
            "Precondition failed",
            "the resource has changed; its current ETag is \"3\"",
        ),
        413 => (
            "payload-too-large",
            "Payload too large",
            "request bodies are limited to 262144 bytes",
        ),
        415 => (
            "unsupported-media-type",
            "Unsupported media type",
            "send the body as application/json",
        ),
        422 => (
            "validation",
            "Invalid request",
            "`limit` must be between 1 and 100",
        ),
        429 => (
            "too-many-requests",
            "Too many requests",
            "try again in 12 seconds",
        ),
        503 => (
            "unavailable",
            "Service unavailable",
            "too many sign-ins at once; try again in 1 s",
        ),
        504 => (
            "processor-timeout",
            "Card processor timeout",
            "the card processor did not answer in time",
        ),
        _ => (
            "internal",
            "Internal server error",
            "something went wrong on our side; quote the instance when reporting it",
        ),
    };
    let code = match status {
        402 => "card_declined".to_owned(),
        _ => slug.replace('-', "_"),
    };
    let mut body = json!({
        "type": format!("https://brigade.dev/problems/{slug}"),
        "code": code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "urn:request:0193a5c2-7d1e-7cc0-9a51-3e0b8f0e2f11",
    });
    if status == 422 {
        body["errors"] =
            json!([{"field": "limit", "code": "range", "message": "must be between 1 and 100"}]);
    }
    body
}

pub fn problem(status: u16, description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"},
            "example": example(status),
        }}
    })
}

/// Problem responses declared by a handler get their status's example too.
pub fn add_examples(operation: &mut Value) {
    let Some(responses) = super::responses_mut(operation) else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        if let Some(content) = response
            .pointer_mut("/content/application~1problem+json")
            .and_then(Value::as_object_mut)
        {
            content.entry("example").or_insert_with(|| example(status));
        }
    }
}

pub fn document_idempotency_key(operation: &mut Value) {
    let parameter = json!({
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Repeat-safe retries: the same key and body replay the first answer \
            (`Idempotent-Replayed: true`) for 24 h; another body with the key is 422; while the \
            first is running, 409 with `Retry-After`. Only successes are kept. An answer that \
            shows a secret once is never kept: its replay is 409 `secret_shown_once`.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"}
    });
    match operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        Some(list) => list.push(parameter),
        None => operation["parameters"] = json!([parameter]),
    }
    if let Some(responses) = super::responses_mut(operation) {
        responses.entry("409").or_insert_with(|| {
            problem(409, "A request with this Idempotency-Key is still running")
        });
        responses.entry("422").or_insert_with(|| {
            problem(
                422,
                "Invalid input, or an Idempotency-Key reused with another body",
            )
        });
    }
}

/// Who may call an operation, from its security requirements.
fn visibility(operation: &Value) -> &'static str {
    let requirements = operation
        .get("security")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if requirements
        .iter()
        .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
    {
        "public"
    } else if requirements.iter().any(|r| r.get("api_key").is_some()) {
        "partner"
    } else {
        "internal"
    }
}

pub fn add_shared_problems(path: &str, operation: &mut Value) {
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|reqs| {
            reqs.iter()
                .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        });
    operation["x-visibility"] = Value::from(visibility(operation));
    let has_body = operation.get("requestBody").is_some();
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let Some(responses) = super::responses_mut(operation) else {
        return;
    };
    let mut add = |status: u16, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem(status, description));
    };
    add(
        400,
        "The request could not be read (malformed JSON, query or path)",
    );
    if secured {
        add(401, "No valid access token was sent");
        add(403, "The caller's roles do not allow this operation");
    }
    if path.contains('{') {
        add(404, "No such resource");
    }
    if has_body {
        add(408, "The body did not arrive in time");
        add(413, "The body is larger than the configured limit");
        add(415, "The body is not application/json");
    }
    if has_body || has_query {
        add(422, "One or more fields are invalid; see `errors`");
    }
    add(
        500,
        "An unexpected failure on our side; quote `instance` when reporting it",
    );
    if path.starts_with("/v1/") {
        add(
            429,
            "Over the caller's rate limit; retry after `Retry-After` seconds",
        );
    }
}
