//! The committed contract must be what the binary serves.

use crate::helpers::TestApp;

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
