//! The OpenAPI document: collected from the registered handlers, then completed with what
//! every operation shares — problem responses with examples, response headers, bounds, the
//! admin security requirement — so none can be forgotten.

mod bounds;
mod examples;
mod headers;
mod links;
mod problems;
mod served;
mod webhooks;

pub use served::{ServedDocument, handler as serve_document};

use actix_web::App;
use serde_json::{Value, json};
use utoipa::openapi::OpenApi;
use utoipa::{PartialSchema, ToSchema};
use utoipa_actix_web::AppExt;

use crate::platform::http::policy::{self, Idempotency};
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

fn complete(mut doc: OpenApi) -> OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert(Problem::name().into_owned(), Problem::schema());
    components
        .schemas
        .insert(FieldError::name().into_owned(), FieldError::schema());

    let mut value = serde_json::to_value(&doc).expect("the document serialises");
    // One copy at a time: the document is tens of MiB in memory while it is completed.
    drop(doc);
    value["components"]["headers"] = headers::components();
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                // Every POST says how repeats are made safe; the edge reads it back.
                let idempotency = Idempotency::of(method, operation);
                if method == "post" {
                    operation[policy::IDEMPOTENCY] = idempotency.name().into();
                }
                let idempotent = idempotency == Idempotency::Gateway;
                if idempotent {
                    problems::document_idempotency_key(operation);
                }
                problems::add_shared_problems(path, operation);
                problems::add_examples(operation);
                let replays = idempotency != Idempotency::None;
                headers::declare(path, method, operation, replays);
                if path.starts_with("/v1/admin/") {
                    openapi::admin_only(operation);
                }
            }
        }
    }
    value["webhooks"] = webhooks::section(&super::inventory::partner_event_catalog(
        &partner_event_types(),
    ));
    links::add(&mut value);
    links::discriminate_fulfillment(&mut value);
    bounds::apply(&mut value);
    examples::derive(&mut value);
    value["servers"] = json!([{
        "url": "https://brigade.example.com",
        "description": "Your Brigade: its HTTPS address (a local one is http://127.0.0.1:8080)",
        "x-internal": false
    }]);
    if let Some(items) =
        value.pointer_mut("/components/schemas/NewWebhookEndpoint/properties/event_types/items")
    {
        items["enum"] = json!(partner_event_types());
    }
    serde_json::from_value(value).expect("the completed document deserialises")
}

/// An operation's responses, keyed by status.
fn responses_mut(operation: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
    operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
}

/// The event types partners' webhooks may receive: what the webhooks module subscribes to.
pub fn partner_event_types() -> Vec<&'static str> {
    crate::modules::subscriptions()
        .into_iter()
        .filter(|(consumer, _, _)| *consumer == "webhooks")
        .flat_map(|(_, _, types)| types.iter().copied())
        .collect()
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

    /// Routing tries only the routes of the module that owns a request's operation (see
    /// `platform::http::contract_paths`): each module's operations must be found as its own.
    #[test]
    fn every_module_s_operations_are_owned_by_that_module() {
        let contract =
            crate::platform::http::contract_paths::ContractPaths::from_openapi(&openapi());
        for module in crate::modules::all() {
            let (_, doc) = App::new()
                .into_utoipa_app()
                .configure(module.routes)
                .split_for_parts();
            let doc = serde_json::to_value(doc).unwrap();
            let paths = doc["paths"].as_object().unwrap();
            assert!(
                !paths.is_empty(),
                "{} has no routes",
                module.descriptor.name
            );
            for (pattern, item) in paths {
                let path: Vec<&str> = pattern
                    .split('/')
                    .map(|s| if s.starts_with('{') { "x1" } else { s })
                    .collect();
                let methods =
                    item.as_object().unwrap().keys().filter(|k| {
                        matches!(k.as_str(), "get" | "post" | "put" | "patch" | "delete")
                    });
                for method in methods {
                    assert_eq!(
                        contract.owner(&method.to_uppercase(), &path.join("/")),
                        Some(module.descriptor.name),
                        "{method} {pattern}"
                    );
                }
            }
        }
    }
}
