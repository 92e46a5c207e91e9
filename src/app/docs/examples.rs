//! Examples for schemas that only wrap others — pages, lists, a resource plus its secret —
//! put together from the examples of what they wrap, so every response has one and none can
//! drift from its parts. Schemas with an example of their own keep it.

use serde_json::{Map, Value, json};

fn nullable(schema: &Value) -> bool {
    schema["type"]
        .as_array()
        .is_some_and(|types| types.iter().any(|t| t == "null"))
}

/// The example of `schema` (a `$ref`, an array of one, or inline), if one can be told.
fn example_of(schema: &Value, components: &Map<String, Value>) -> Option<Value> {
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    if let Some(name) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return components.get(name)?.get("example").cloned();
    }
    if schema["type"] == "array"
        || schema["type"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("array")))
    {
        return Some(json!([example_of(&schema["items"], components)?]));
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            merged.extend(example_of(part, components)?.as_object()?.clone());
        }
        return Some(Value::Object(merged));
    }
    if schema.get("properties").is_some() {
        return object_example(schema, components);
    }
    nullable(schema).then_some(Value::Null)
}

/// An object's example from its properties': every required one must have one.
fn object_example(schema: &Value, components: &Map<String, Value>) -> Option<Value> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut example = Map::new();
    for (name, property) in schema["properties"].as_object()? {
        match example_of(property, components) {
            Some(value) => {
                example.insert(name.clone(), value);
            }
            None if required.contains(&name.as_str()) => return None,
            None => {}
        }
    }
    Some(Value::Object(example))
}

pub fn derive(doc: &mut Value) {
    loop {
        let Some(components) = doc["components"]["schemas"].as_object().cloned() else {
            return;
        };
        let derived: Vec<(String, Value)> = components
            .iter()
            .filter(|(_, schema)| schema.get("example").is_none())
            .filter(|(_, schema)| {
                schema.get("allOf").is_some() || schema.get("properties").is_some()
            })
            .filter_map(|(name, schema)| Some((name.clone(), example_of(schema, &components)?)))
            .collect();
        if derived.is_empty() {
            return;
        }
        for (name, example) in derived {
            doc["components"]["schemas"][&name]["example"] = example;
        }
    }
}
