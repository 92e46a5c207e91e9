//! What an audit entry keeps of a resource: its top-level fields, secrets redacted, long
//! values shortened — enough to see what changed, never a copy of everything.

use serde_json::{Map, Value};

const MAX_TEXT: usize = 200;
const SECRET_WORDS: [&str; 5] = ["password", "secret", "token", "authorization", "card"];

fn is_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| key.contains(w))
}

fn shorten(v: &Value) -> Value {
    match v {
        Value::String(s) if s.chars().count() > MAX_TEXT => {
            Value::String(format!("{}…", s.chars().take(MAX_TEXT).collect::<String>()))
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            Value::Array(items.iter().take(20).map(shorten).collect())
        }
        Value::Array(items) => Value::String(format!("[{} items]", items.len())),
        Value::Object(fields) => Value::String(format!("{{{} fields}}", fields.len())),
        other => other.clone(),
    }
}

/// The summary of a JSON object; anything else has none.
pub fn summarise(v: &Value) -> Option<Value> {
    let fields = v.as_object()?;
    let kept: Map<String, Value> = fields
        .iter()
        .map(|(k, v)| {
            let value = if is_secret(k) {
                Value::String("[redacted]".into())
            } else {
                shorten(v)
            };
            (k.clone(), value)
        })
        .collect();
    Some(Value::Object(kept))
}

/// The first `{param}` of `pattern` as it appears in `path`.
pub fn first_param(pattern: &str, path: &str) -> Option<String> {
    pattern
        .split('/')
        .zip(path.split('/'))
        .find(|(p, _)| p.starts_with('{'))
        .map(|(_, value)| value.to_owned())
}

/// `/v1/deliveries/{id}/claim` → `deliveries`.
pub fn resource_of(pattern: &str) -> String {
    pattern
        .trim_start_matches("/v1/")
        .split('/')
        .take_while(|s| !s.starts_with('{'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn summaries_keep_top_level_fields_and_hide_secrets() {
        let item = json!({
            "id": "itm_1", "name": "Flat white", "price": 420, "tags": ["hot", "milk"],
            "option_groups": [{"name": "Size"}], "card": {"last4": "4242"},
            "secret": "bk_live_123", "description": "x".repeat(300)
        });
        let s = summarise(&item).unwrap();
        assert_eq!(s["name"], "Flat white");
        assert_eq!(s["price"], 420);
        assert_eq!(s["tags"], json!(["hot", "milk"]));
        assert_eq!(s["option_groups"], "[1 items]");
        assert_eq!(s["card"], "[redacted]");
        assert_eq!(s["secret"], "[redacted]");
        assert_eq!(s["description"].as_str().unwrap().chars().count(), 201);
        assert_eq!(summarise(&json!([1, 2])), None);
    }

    #[test]
    fn targets_come_from_the_route() {
        let pattern = "/v1/kitchen/tickets/{id}/lines/{line_id}/start";
        let path = "/v1/kitchen/tickets/tkt_1/lines/lin_2/start";
        assert_eq!(first_param(pattern, path).as_deref(), Some("tkt_1"));
        assert_eq!(resource_of(pattern), "kitchen tickets");
        assert_eq!(first_param("/v1/catalog/items", "/v1/catalog/items"), None);
    }
}
