//! Building the inventory from the OpenAPI document: plain Rust over JSON, no I/O.

use serde_json::Value;

use crate::modules::governance::api::{
    Inventory, InventorySource, ModuleEntry, OperationEntry, PlansByCaller,
};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Every operation of the document, in path then method order.
pub fn operations(doc: &Value, plans: &PlansByCaller) -> Vec<OperationEntry> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            let op = &item[method];
            if op.is_null() {
                continue;
            }
            out.push(operation(method, path, op, plans));
        }
    }
    out
}

fn operation(method: &str, path: &str, op: &Value, plans: &PlansByCaller) -> OperationEntry {
    let requirements = op["security"].as_array().cloned().unwrap_or_default();
    let mut auth = Vec::new();
    let mut scopes = Vec::new();
    for requirement in &requirements {
        let Some(requirement) = requirement.as_object() else {
            continue;
        };
        if requirement.is_empty() {
            auth.push("none".to_owned());
        }
        for (scheme, needed) in requirement {
            auth.push(scheme.clone());
            if scheme == "api_key" {
                scopes.extend(needed.as_array().into_iter().flatten().map(text));
            }
        }
    }
    auth.sort();
    auth.dedup();
    let anonymous = auth.iter().any(|a| a == "none");
    let signed_in = auth.iter().any(|a| a == "bearer" || a == "admin");
    let keys = auth.iter().any(|a| a == "api_key");
    OperationEntry {
        method: method.to_uppercase(),
        path: path.to_owned(),
        operation_id: text(&op["operationId"]),
        module: op["tags"]
            .as_array()
            .and_then(|t| t.first())
            .map(text)
            .unwrap_or_default(),
        summary: text(&op["summary"]),
        visibility: op["x-visibility"].as_str().unwrap_or("internal").to_owned(),
        scopes,
        // API keys are counted on their owner's plan: the user's or the staff's.
        rate_limit: PlansByCaller {
            anonymous: plans.anonymous.clone().filter(|_| anonymous),
            user: plans
                .user
                .clone()
                .filter(|_| signed_in || anonymous || keys),
            staff: plans
                .staff
                .clone()
                .filter(|_| signed_in || anonymous || keys),
        },
        auth,
        deprecated: op["deprecated"].as_bool().unwrap_or(false),
        sunset: op["x-sunset"].as_str().map(str::to_owned),
    }
}

/// The whole inventory; each module's operation count comes from the operations' tags.
pub fn build(source: InventorySource) -> Inventory {
    let mut operations = operations(&source.openapi, &source.plan_by_caller);
    operations.extend(source.operational);
    let modules = source
        .modules
        .into_iter()
        .map(|m| ModuleEntry {
            operations: operations.iter().filter(|o| o.module == m.name).count(),
            ..m
        })
        .collect();
    Inventory {
        modules,
        operations,
        events: source.events,
        plans: source.plans,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn plans() -> PlansByCaller {
        PlansByCaller {
            anonymous: Some("free".into()),
            user: Some("standard".into()),
            staff: Some("internal".into()),
        }
    }

    #[test]
    fn operations_carry_visibility_scopes_plans_and_deprecation() {
        let doc = json!({"paths": {
            "/v1/menu": {"get": {"operationId": "menu", "tags": ["catalog"], "summary": "Menu",
                "security": [{}], "x-visibility": "public"}},
            "/v1/orders": {
                "post": {"operationId": "place", "tags": ["ordering"],
                    "security": [{"bearer": []}, {"api_key": ["orders:write"]}],
                    "x-visibility": "partner"},
                "get": {"operationId": "list", "tags": ["ordering"], "deprecated": true,
                    "x-sunset": "2027-01-01T00:00:00Z",
                    "security": [{"bearer": []}], "x-visibility": "internal"}
            }
        }});
        let ops = operations(&doc, &plans());
        assert_eq!(ops.len(), 3);
        let menu = &ops[0];
        assert_eq!(
            (menu.method.as_str(), menu.visibility.as_str()),
            ("GET", "public")
        );
        assert_eq!(menu.auth, ["none"]);
        assert_eq!(menu.rate_limit.anonymous.as_deref(), Some("free"));
        let list = &ops[1];
        assert_eq!(list.operation_id, "list");
        assert!(list.deprecated);
        assert_eq!(list.sunset.as_deref(), Some("2027-01-01T00:00:00Z"));
        assert_eq!(list.rate_limit.anonymous, None);
        let place = &ops[2];
        assert_eq!(place.scopes, ["orders:write"]);
        assert_eq!(place.auth, ["api_key", "bearer"]);
        assert_eq!(place.rate_limit.user.as_deref(), Some("standard"));
    }
}
