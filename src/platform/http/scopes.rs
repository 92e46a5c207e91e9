//! Which operations API keys may call, and with which scope: read from the OpenAPI document
//! (each operation's `api_key` security requirement), so the contract and the check agree.

use std::collections::HashMap;

use utoipa::openapi::OpenApi;

/// `(METHOD, path pattern)` → the scope an API key needs; absent: keys may not call it.
pub struct ScopeTable(HashMap<(String, String), String>);

impl ScopeTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let mut table = HashMap::new();
        let value = serde_json::to_value(doc).unwrap_or_default();
        if let Some(paths) = value["paths"].as_object() {
            for (path, item) in paths {
                for (method, op) in item.as_object().into_iter().flatten() {
                    let scope = op["security"].as_array().and_then(|reqs| {
                        reqs.iter().find_map(|r| {
                            r["api_key"]
                                .as_array()?
                                .first()?
                                .as_str()
                                .map(str::to_owned)
                        })
                    });
                    if let Some(scope) = scope {
                        table.insert((method.to_uppercase(), path.clone()), scope);
                    }
                }
            }
        }
        Self(table)
    }

    /// The scope a key needs for `method` on the route `pattern`, or `None` if keys may not.
    pub fn required(&self, method: &str, pattern: &str) -> Option<&str> {
        let method = if method == "HEAD" { "GET" } else { method };
        self.0
            .get(&(method.to_owned(), pattern.to_owned()))
            .map(String::as_str)
    }
}
