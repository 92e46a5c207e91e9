//! Bounds on every value the document describes (OWASP API4: unrestricted resource use).
//!
//! What clients send is bounded where it is declared, next to the validation that enforces
//! it. What Brigade answers is bounded here, by the project-wide limits of
//! `docs/api-design.md`, for every response schema that declares no tighter bound of its own:
//! strings of at most 4096 characters, JSON-safe 64-bit integers, lists of at most 1000
//! items. Path ids, header values and timestamps get the limits every one of them obeys.

use std::collections::BTreeSet;

use serde_json::{Value, json};

pub const MAX_STRING: u64 = 4096;
pub const MAX_ITEMS: u64 = 1000;
/// 2^53 - 1: the largest integer every JSON parser reads exactly.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;
/// Ids are a short prefix and a UUIDv7 (`itm_0193a5c27d1e7cc09a513e0b8f0e2f11`).
pub const MAX_ID: u64 = 64;
/// RFC 3339 timestamps.
pub const MAX_TIMESTAMP: u64 = 64;

fn refs(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            found.insert(name.to_owned());
                        }
                    }
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

/// Component schemas a request body can contain (directly or through references).
fn sent_by_clients(doc: &Value) -> BTreeSet<String> {
    let mut sent = BTreeSet::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, i)| i)
    {
        for op in item.as_object().into_iter().flatten().map(|(_, o)| o) {
            if let Some(body) = op.get("requestBody") {
                refs(body, &mut sent);
            }
            if let Some(params) = op.get("parameters") {
                refs(params, &mut sent);
            }
        }
    }
    loop {
        let mut more = BTreeSet::new();
        for name in &sent {
            refs(&doc["components"]["schemas"][name], &mut more);
        }
        if more.is_subset(&sent) {
            return sent;
        }
        sent.extend(more);
    }
}

fn is(schema: &Value, kind: &str) -> bool {
    match &schema["type"] {
        Value::String(t) => t == kind,
        Value::Array(ts) => ts.iter().any(|t| t == kind),
        _ => false,
    }
}

/// Fills missing bounds in `schema` and everything nested in it.
fn bound(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    for key in ["properties", "patternProperties"] {
        if let Some(props) = map.get_mut(key).and_then(Value::as_object_mut) {
            props.values_mut().for_each(bound);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = map.get_mut(key) {
            bound(inner);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = map.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(bound);
        }
    }
    let value = Value::Object(map.clone());
    if is(&value, "string")
        && !["maxLength", "enum", "const"]
            .iter()
            .any(|k| map.contains_key(*k))
    {
        let max = match map.get("format").and_then(Value::as_str) {
            Some("date-time" | "date") => MAX_TIMESTAMP,
            _ => MAX_STRING,
        };
        map.insert("maxLength".into(), json!(max));
    }
    if is(&value, "integer") {
        map.entry("format").or_insert_with(|| json!("int64"));
        map.entry("minimum")
            .or_insert_with(|| json!(-MAX_SAFE_INTEGER));
        map.entry("maximum")
            .or_insert_with(|| json!(MAX_SAFE_INTEGER));
    }
    if is(&value, "array") {
        map.entry("maxItems").or_insert_with(|| json!(MAX_ITEMS));
    }
}

/// Bounds what Brigade answers (its responses and the webhooks it sends), and the parameters
/// every operation shares the shape of.
pub fn apply(doc: &mut Value) {
    for hook in doc
        .get_mut("webhooks")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|hooks| hooks.values_mut())
    {
        if let Some(body) = hook.pointer_mut("/post/requestBody/content/application~1json/schema") {
            bound(body);
        }
    }
    let sent = sent_by_clients(doc);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if !sent.contains(name) {
                bound(schema);
            }
        }
    }
    for item in doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
    {
        for op in item
            .as_object_mut()
            .into_iter()
            .flat_map(|ops| ops.values_mut())
        {
            bound_parameters(op);
            bound_inline_responses(op);
        }
    }
}

/// Path ids, header values and timestamps in parameters.
fn bound_parameters(op: &mut Value) {
    for param in op
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let place = param["in"].as_str().unwrap_or_default().to_owned();
        let schema = &mut param["schema"];
        if !is(schema, "string")
            || schema.get("maxLength").is_some()
            || schema.get("enum").is_some()
        {
            continue;
        }
        let max = match (place.as_str(), schema["format"].as_str()) {
            (_, Some("date-time")) => MAX_TIMESTAMP,
            ("path", _) => MAX_ID,
            // `If-Match` / `If-None-Match` (an ETag) and `Last-Event-ID` (a position).
            ("header", _) => 128,
            _ => 256,
        };
        schema["maxLength"] = json!(max);
    }
}

/// Inline JSON response schemas (the document's components are bounded above).
fn bound_inline_responses(op: &mut Value) {
    for response in super::responses_mut(op)
        .into_iter()
        .flat_map(|r| r.values_mut())
    {
        if let Some(schema) = response.pointer_mut("/content/application~1json/schema") {
            bound(schema);
        }
    }
}
