//! What the edge does per operation, read from the OpenAPI document's extensions (as the
//! scope table reads `security`), so the contract and the edge cannot disagree and no
//! middleware matches URLs by hand:
//! - `x-idempotency`: `gateway` (the edge stores the answer to a keyed POST and replays it),
//!   `own` (the operation handles its own, required, key), or `none`;
//! - `x-audit-target`: what a write acts on, so the audit trail can show it as it was before.

use std::collections::HashMap;

use serde_json::Value;
use utoipa::openapi::OpenApi;

pub const IDEMPOTENCY: &str = "x-idempotency";
pub const AUDIT_TARGET: &str = "x-audit-target";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    Gateway,
    Own,
    None,
}

impl Idempotency {
    /// An operation's policy; a POST that declares none gets the edge's.
    pub fn of(method: &str, operation: &Value) -> Self {
        match operation[IDEMPOTENCY].as_str() {
            Some("own") => Self::Own,
            Some("none") => Self::None,
            Some(_) => Self::Gateway,
            None if method.eq_ignore_ascii_case("post") => Self::Gateway,
            None => Self::None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Gateway => "gateway",
            Self::Own => "own",
            Self::None => "none",
        }
    }
}

#[derive(Debug, Clone)]
struct Policy {
    idempotency: Idempotency,
    audit_target: Option<String>,
}

/// `(METHOD, path pattern)` → the operation's policy.
pub struct PolicyTable(HashMap<(String, String), Policy>);

impl PolicyTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let value = serde_json::to_value(doc).unwrap_or_default();
        let mut table = HashMap::new();
        for (path, item) in value["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let policy = Policy {
                    idempotency: Idempotency::of(method, op),
                    audit_target: op[AUDIT_TARGET].as_str().map(str::to_owned),
                };
                table.insert((method.to_uppercase(), path.clone()), policy);
            }
        }
        Self(table)
    }

    fn get(&self, method: &str, pattern: &str) -> Option<&Policy> {
        self.0.get(&(method.to_owned(), pattern.to_owned()))
    }

    /// Whether the edge keeps and replays keyed requests of this operation.
    pub fn gateway_idempotent(&self, method: &str, pattern: &str) -> bool {
        self.get(method, pattern)
            .is_some_and(|p| p.idempotency == Idempotency::Gateway)
    }

    /// Every target type the contract names.
    pub fn audit_targets(&self) -> Vec<&str> {
        let mut named: Vec<&str> = self
            .0
            .values()
            .filter_map(|p| p.audit_target.as_deref())
            .collect();
        named.sort_unstable();
        named.dedup();
        named
    }

    /// What a write on this operation acts on, if the contract says.
    pub fn audit_target(&self, method: &str, pattern: &str) -> Option<&str> {
        self.get(method, pattern)?.audit_target.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_default_to_the_edge_s_idempotency_unless_they_say_otherwise() {
        let op = |ext: Value| serde_json::json!({ IDEMPOTENCY: ext });
        assert_eq!(Idempotency::of("post", &Value::Null), Idempotency::Gateway);
        assert_eq!(Idempotency::of("post", &op("own".into())), Idempotency::Own);
        assert_eq!(
            Idempotency::of("post", &op("none".into())),
            Idempotency::None
        );
        assert_eq!(Idempotency::of("patch", &Value::Null), Idempotency::None);
    }
}
