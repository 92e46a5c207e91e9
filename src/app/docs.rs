//! The OpenAPI document: collected from the registered handlers, then completed with the
//! problem responses every operation shares, so none can be forgotten.

use actix_web::App;
use serde_json::{Value, json};
use utoipa::openapi::OpenApi;
use utoipa::{PartialSchema, ToSchema};
use utoipa_actix_web::AppExt;

use crate::platform::openapi;
use crate::platform::problem::Problem;
use crate::platform::validation::FieldError;

/// The complete document, as served at `/openapi.json` and printed by `brigade openapi`.
pub fn openapi() -> OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .configure(super::api_routes)
        .split_for_parts();
    complete(doc)
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

fn complete(mut doc: OpenApi) -> OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert(Problem::name().into_owned(), Problem::schema());
    components
        .schemas
        .insert(FieldError::name().into_owned(), FieldError::schema());

    let mut value = serde_json::to_value(&doc).expect("the document serialises");
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                if method == "post" && accepts_idempotency_key(path) {
                    document_idempotency_key(operation);
                }
                add_shared_problems(path, operation);
            }
        }
    }
    serde_json::from_value(value).expect("the completed document deserialises")
}

/// Creating POSTs of signed-in callers (payments document their own, required, key).
fn accepts_idempotency_key(path: &str) -> bool {
    path.starts_with("/v1/") && !path.starts_with("/v1/auth/") && !path.ends_with("/payments")
}

fn document_idempotency_key(operation: &mut Value) {
    let parameter = json!({
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Repeat-safe retries: the same key and body replay the stored response \
            (`Idempotent-Replayed: true`) for 24 h; another body with the key is 422; while the \
            first is running, 409.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"}
    });
    match operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        Some(list) => list.push(parameter),
        None => operation["parameters"] = json!([parameter]),
    }
    if let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    {
        responses
            .entry("409")
            .or_insert_with(|| problem("A request with this Idempotency-Key is still running"));
        responses.entry("422").or_insert_with(|| {
            problem("Invalid input, or an Idempotency-Key reused with another body")
        });
    }
}

fn add_shared_problems(path: &str, operation: &mut Value) {
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|reqs| {
            reqs.iter()
                .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
        });
    // Who may call it: anyone, partners with an API key, or signed-in staff and users only.
    let requirements = operation
        .get("security")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let visibility = if requirements
        .iter()
        .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
    {
        "public"
    } else if requirements.iter().any(|r| r.get("api_key").is_some()) {
        "partner"
    } else {
        "internal"
    };
    operation["x-visibility"] = Value::from(visibility);
    let has_body = operation.get("requestBody").is_some();
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    add(
        "400",
        "The request could not be read (malformed JSON, query or path)",
    );
    if secured {
        add("401", "No valid access token was sent");
        add("403", "The caller's roles do not allow this operation");
    }
    if path.contains('{') {
        add("404", "No such resource");
    }
    if has_body {
        add("413", "The body is larger than the configured limit");
        add("415", "The body is not application/json");
    }
    if has_body || has_query {
        add("422", "One or more fields are invalid; see `errors`");
    }
    add(
        "500",
        "An unexpected failure on our side; quote `instance` when reporting it",
    );
    if path.starts_with("/v1/") {
        responses.entry("429".to_owned()).or_insert_with(|| {
            let mut limited = problem("Over the caller's rate limit; retry after `Retry-After` seconds");
            limited["headers"] = json!({
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}},
                "RateLimit": {"description": "Binding window: `\"minute\";r=0;t=40`", "schema": {"type": "string"}},
                "RateLimit-Policy": {"description": "Every window of the caller's plan", "schema": {"type": "string"}}
            });
            limited
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_documents_its_problems_and_security() {
        let doc = serde_json::to_value(openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/v1/menu"));
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                let name = format!("{method} {path}");
                assert!(op["summary"].is_string(), "{name} has no summary");
                assert!(
                    op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                    "{name} has no tag"
                );
                assert!(
                    op["security"].is_array(),
                    "{name} declares no security requirement"
                );
                assert!(op["responses"]["400"].is_object(), "{name} lacks 400");
                assert!(op["responses"]["500"].is_object(), "{name} lacks 500");
            }
        }
    }
}
