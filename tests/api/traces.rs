//! Optional trace export: with `log.otlp_endpoint` set, each request is a server span sent
//! over OTLP/HTTP (JSON), continuing the caller's W3C trace.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpServer, web};
use serde_json::Value;

use crate::support::TestApp;

/// A stand-in OpenTelemetry collector: keeps every `POST /v1/traces` body.
async fn collector() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let store = received.clone();
    let server = HttpServer::new(move || {
        let store = store.clone();
        App::new().route(
            "/v1/traces",
            web::post().to(move |body: web::Bytes| {
                let store = store.clone();
                async move {
                    if let Ok(v) = serde_json::from_slice(&body) {
                        store.lock().unwrap().push(v);
                    }
                    actix_web::HttpResponse::Ok()
                        .content_type("application/json")
                        .body("{}")
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    actix_web::rt::spawn(server.run());
    (format!("http://127.0.0.1:{port}"), received)
}

fn spans(batches: &[Value]) -> Vec<Value> {
    batches
        .iter()
        .flat_map(|b| b["resourceSpans"].as_array().cloned().unwrap_or_default())
        .flat_map(|r| r["scopeSpans"].as_array().cloned().unwrap_or_default())
        .flat_map(|s| s["spans"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[actix_web::test]
async fn requests_are_exported_as_server_spans_in_the_callers_trace() {
    let (endpoint, received) = collector().await;
    let extra = [("BRIGADE_LOG__OTLP_ENDPOINT", endpoint.as_str())];
    let settings = crate::support::test_settings_with("sqlite://unused.db", &extra);
    brigade::platform::telemetry::init(&settings.log);
    let app = TestApp::spawn_with(&extra).await;

    let res = app
        .send(
            "GET",
            "/v1/menu",
            None,
            &[(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            )],
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    // Flushing blocks until the collector (on this thread's runtime) has answered.
    actix_web::rt::task::spawn_blocking(brigade::platform::telemetry::flush)
        .await
        .unwrap();

    let batches = received.lock().unwrap().clone();
    let all = spans(&batches);
    let menu = all
        .iter()
        .find(|s| s["name"] == "GET /v1/menu")
        .unwrap_or_else(|| panic!("no menu span in {batches:?}"));
    assert_eq!(menu["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(menu["parentSpanId"], "00f067aa0ba902b7");
    assert_eq!(menu["kind"], 2, "a server span");
    let attributes = menu["attributes"].to_string();
    assert!(
        attributes.contains("http.route") && attributes.contains("/v1/menu"),
        "{attributes}"
    );
    assert!(
        attributes.contains("http.response.status_code"),
        "{attributes}"
    );
    let resource = batches[0]["resourceSpans"][0]["resource"].to_string();
    assert!(
        resource.contains("service.name") && resource.contains("brigade"),
        "{resource}"
    );
}
