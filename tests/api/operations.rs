use crate::support::TestApp;

#[actix_web::test]
async fn healthz_answers_without_the_database() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body["status"], "ok");
}

#[actix_web::test]
async fn readyz_reports_a_migrated_reachable_database() {
    let app = TestApp::spawn().await;
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["status"], "ready");
}

#[actix_web::test]
async fn readyz_can_check_a_subset_of_modules_and_refuses_unknown_ones() {
    let app = TestApp::spawn().await;
    let res = app.get("/readyz?modules=kitchen,delivery", None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = app.get("/readyz?modules=kitchen,pantry", None).await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert_eq!(res.body["errors"][0]["field"], "modules", "{}", res.body);
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_echoes_a_sane_one() {
    let app = TestApp::spawn().await;
    let generated = app.get("/healthz", None).await;
    assert!(
        generated
            .header("x-request-id")
            .is_some_and(|id| id.len() >= 32)
    );

    let echoed = app
        .send(
            "GET",
            "/v1/nowhere",
            None,
            &[("X-Request-Id", "trace-abc.123")],
            None,
        )
        .await;
    assert_eq!(
        echoed.header("x-request-id").as_deref(),
        Some("trace-abc.123")
    );
    assert_eq!(echoed.problem(404)["instance"], "urn:request:trace-abc.123");

    let replaced = app
        .send(
            "GET",
            "/healthz",
            None,
            &[("X-Request-Id", "bad id\twith spaces")],
            None,
        )
        .await;
    assert_ne!(
        replaced.header("x-request-id").as_deref(),
        Some("bad id\twith spaces")
    );
}

#[actix_web::test]
async fn security_headers_are_set_and_no_server_version_leaks() {
    let app = TestApp::spawn().await;
    let res = app.get("/v1/menu", None).await;
    assert_eq!(
        res.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(res.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(res.header("server").is_none());
}

#[actix_web::test]
async fn swagger_ui_and_the_json_document_are_served() {
    let app = TestApp::spawn().await;
    let redirect = app.get("/docs", None).await;
    assert!(
        matches!(redirect.status, 307 | 308),
        "status {}",
        redirect.status
    );
    assert_eq!(redirect.header("location").as_deref(), Some("/docs/"));

    let ui = app.get("/docs/", None).await;
    assert_eq!(ui.status, 200);
    assert!(String::from_utf8_lossy(&ui.raw).contains("swagger"));

    let doc = app.get("/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["info"]["title"], "Brigade API");
    assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());
}
