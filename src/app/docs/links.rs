//! OpenAPI `links` from each create (a 201 whose body has an `id`) to the operations that take
//! that id, so generated tests and clients follow real objects instead of guessing ids.

use serde_json::{Map, Value, json};

/// `(method, path, operationId)` of every operation.
fn operations(doc: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op["operationId"].as_str() {
                out.push((method.clone(), path.clone(), id.to_owned()));
            }
        }
    }
    out
}

/// Where ids created at `path` are used: below it (`/v1/orders` → `/v1/orders/{id}...`), or
/// under their own collection (`/v1/orders/{id}/payments` → `/v1/payments/{id}...`).
fn uses_of(path: &str, target: &str) -> bool {
    let own = path
        .rsplit('/')
        .next()
        .map(|last| format!("/v1/{last}/{{id}}"));
    let below = format!("{path}/{{id}}");
    let takes_only_id = target.matches('{').count() == 1;
    takes_only_id
        && [Some(below), own]
            .into_iter()
            .flatten()
            .any(|prefix| target == prefix || target.starts_with(&format!("{prefix}/")))
}

pub fn add(doc: &mut Value) {
    let all = operations(doc);
    for (method, path, _) in &all {
        if method != "post" {
            continue;
        }
        let mut links = Map::new();
        for (_, target, operation_id) in all.iter().filter(|(_, t, _)| uses_of(path, t)) {
            links.insert(
                operation_id.clone(),
                json!({"operationId": operation_id, "parameters": {"id": "$response.body#/id"},
                    "description": format!("Use the created resource's `id` with {target}")}),
            );
        }
        if links.is_empty() {
            continue;
        }
        if let Some(created) = doc
            .pointer_mut(&format!("/paths/{}/post/responses/201", escape(path)))
            .and_then(Value::as_object_mut)
        {
            created.insert("links".into(), Value::Object(links));
        }
    }
}

/// A path as a JSON pointer segment.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// The fulfillment variants as named schemas with a `discriminator` on `type`, so clients
/// generate a tagged union rather than guessing between look-alike objects.
pub fn discriminate_fulfillment(doc: &mut Value) {
    let Some(variants) = doc
        .pointer("/components/schemas/Fulfillment/oneOf")
        .and_then(Value::as_array)
        .cloned()
    else {
        return;
    };
    let mut refs = Vec::new();
    let mut mapping = Map::new();
    for variant in variants {
        let Some(tag) = variant
            .pointer("/properties/type/enum/0")
            .and_then(Value::as_str)
        else {
            return;
        };
        let mut name = String::from(tag);
        name[..1].make_ascii_uppercase();
        let name = format!("{name}Fulfillment");
        let reference = format!("#/components/schemas/{name}");
        doc["components"]["schemas"][&name] = variant.clone();
        refs.push(json!({"$ref": reference}));
        mapping.insert(tag.to_owned(), Value::from(reference));
    }
    let fulfillment = &mut doc["components"]["schemas"]["Fulfillment"];
    fulfillment["oneOf"] = Value::Array(refs);
    fulfillment["discriminator"] = json!({"propertyName": "type", "mapping": mapping});
}
