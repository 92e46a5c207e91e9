//! The committed contract must be what the binary serves.

use crate::support::TestApp;

#[test]
fn committed_openapi_yaml_matches_the_code() {
    let generated = brigade::platform::openapi::to_yaml(&brigade::app::openapi());
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .expect("openapi.yaml is committed at the repository root");
    assert!(
        generated == committed,
        "openapi.yaml is stale: regenerate it with `cargo run -q -- openapi > openapi.yaml`"
    );
}

#[actix_web::test]
async fn the_served_document_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let served = app.get("/openapi.json", None).await.body;
    let expected = serde_json::to_value(brigade::app::openapi()).unwrap();
    assert_eq!(served, expected);
}

fn document() -> serde_json::Value {
    serde_json::to_value(brigade::app::openapi()).unwrap()
}

/// `(method path, operation)` for every operation in the document.
fn operations(doc: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((format!("{method} {path}"), op.clone()));
        }
    }
    out
}

#[test]
fn operation_ids_are_unique_so_generated_clients_compile() {
    let doc = document();
    let mut seen = std::collections::HashMap::new();
    for (name, op) in operations(&doc) {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no operationId"))
            .to_owned();
        if let Some(other) = seen.insert(id.clone(), name.clone()) {
            panic!("operationId {id} is used by {other} and {name}");
        }
    }
}

#[test]
fn every_tag_an_operation_uses_is_declared() {
    let doc = document();
    let declared: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for (name, op) in operations(&doc) {
        for tag in op["tags"].as_array().unwrap() {
            assert!(
                declared.contains(&tag.as_str().unwrap()),
                "{name} uses the undeclared tag {tag}"
            );
        }
    }
    assert!(doc["servers"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn the_readme_s_module_map_is_what_brigade_modules_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is committed at the repository root");
    let (begin, end) = ("<!-- brigade modules -->\n", "<!-- /brigade modules -->");
    let start = readme.find(begin).expect("the README marks its module map") + begin.len();
    let stop = readme[start..].find(end).expect("the module map ends") + start;
    assert!(
        readme[start..stop] == brigade::app::module_map(),
        "the README's module map is stale: paste the output of `brigade modules` between the markers"
    );
}
