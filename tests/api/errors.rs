//! Bad input always gets a clear 4xx problem, never a 500.

use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn unknown_routes_are_404_problems() {
    let app = TestApp::spawn().await;
    app.get("/v1/does-not-exist", None).await.problem(404);
    app.get("/v2/menu", None).await.problem(404);
    // A trailing slash makes another path, which no route has.
    app.get("/v1/menu/", None).await.problem(404);
    app.send("PUT", "/v1/me/", None, &[], None)
        .await
        .problem(404);
}

#[actix_web::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let res = app.delete("/v1/menu", None).await;
    res.problem(405);
    assert_eq!(res.header("allow").as_deref(), Some("GET, HEAD"));

    let res = app.send("PUT", "/v1/me", None, &[], None).await;
    res.problem(405);
    assert_eq!(res.header("allow").as_deref(), Some("GET, HEAD, PATCH"));

    let res = app
        .send("POST", "/v1/catalog/items/itm_x", None, &[], None)
        .await;
    assert_eq!(
        res.header("allow").as_deref(),
        Some("DELETE, GET, HEAD, PATCH")
    );

    // The path is the one routing sees, escapes undone.
    let res = app.delete("/v1/%6Denu", None).await;
    res.problem(405);
    assert_eq!(res.header("allow").as_deref(), Some("GET, HEAD"));
}

#[actix_web::test]
async fn a_path_reaches_its_route_however_it_is_percent_encoded() {
    let app = TestApp::spawn().await;
    let plain = app.get("/v1/menu", None).await;
    let encoded = app.get("/v1/%6Denu", None).await;
    assert_eq!(encoded.status, 200);
    assert_eq!(encoded.header("etag"), plain.header("etag"));
    // A module's route with a parameter, spelt with an escape, is still that route.
    let customer = app.customer_token("escaped@example.com").await;
    let res = app.get("/v1/orders/ord%5Fnone", Some(&customer)).await;
    assert_eq!(res.problem(404)["detail"], "no order with id ord_none");
}

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    let get = app.get("/v1/menu", None).await;
    let head = app.send("HEAD", "/v1/menu", None, &[], None).await;
    assert_eq!(head.status, 200);
    assert!(head.raw.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(get.raw.len().to_string())
    );
    assert_eq!(
        app.send("HEAD", "/v1/nothing", None, &[], None)
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let res = app
        .send_raw(
            "POST",
            "/v1/auth/register",
            Some("application/json"),
            b"{\"email\": ".to_vec(),
        )
        .await;
    assert!(
        res.problem(400)["detail"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
}

#[actix_web::test]
async fn wrong_content_type_is_415() {
    let app = TestApp::spawn().await;
    let res = app
        .send_raw(
            "POST",
            "/v1/auth/login",
            Some("text/plain"),
            b"hello".to_vec(),
        )
        .await;
    res.problem(415);
    let res = app
        .send_raw("POST", "/v1/auth/login", None, b"{}".to_vec())
        .await;
    res.problem(415);
}

#[actix_web::test]
async fn bodies_over_the_limit_are_413() {
    let app = TestApp::spawn().await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(300 * 1024));
    let res = app
        .send_raw(
            "POST",
            "/v1/auth/register",
            Some("application/json"),
            huge.into_bytes(),
        )
        .await;
    res.problem(413);
}

#[actix_web::test]
async fn unknown_fields_are_rejected_naming_the_field() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "eve@example.com", "password": "violet-teapot-harbour", "name": "Eve", "roles": ["admin"]}),
        )
        .await;
    let body = res.problem(422);
    assert_eq!(body["errors"][0]["field"], "roles");
    assert_eq!(body["errors"][0]["code"], "unknown_field");
}

#[actix_web::test]
async fn wrong_types_and_missing_fields_are_422() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/v1/auth/login",
            None,
            json!({"email": 42, "password": "x"}),
        )
        .await;
    res.problem(422);
    let res = app
        .post("/v1/auth/login", None, json!({"email": "a@b.co"}))
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "password");
}

#[actix_web::test]
async fn bad_query_values_are_4xx() {
    let app = TestApp::spawn().await;
    // Out of range or of the wrong kind, a bad value is one class of mistake: 422, naming it.
    for query in [
        "limit=abc",
        "limit=-1",
        "limit=0",
        "limit=1000",
        "available=perhaps&limit=5",
    ] {
        let res = app.get(&format!("/v1/catalog/items?{query}"), None).await;
        let field = if query.starts_with("available") {
            "available"
        } else {
            "limit"
        };
        assert_eq!(res.problem(422)["errors"][0]["field"], field, "{query}");
    }
    let res = app.get("/v1/catalog/items?cursor=%%%", None).await;
    assert!(res.status == 400 || res.status == 422);
    let res = app
        .get("/v1/catalog/items?cursor=bm90LWEtY3Vyc29y", None)
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "cursor");
}

#[actix_web::test]
async fn every_error_everywhere_is_problem_json() {
    let app = TestApp::spawn().await;
    // The documentation browser's own files: a missing one is a problem, not a bare 404.
    app.get("/docs/nope", None).await.problem(404);
    app.get("/no/such/thing", None).await.problem(404);
}

#[actix_web::test]
async fn every_problem_type_resolves_to_a_page_about_it() {
    let app = TestApp::spawn().await;
    let problems = [
        app.get("/v1/me", None).await,
        app.get("/v1/catalog/items/itm_nope", None).await,
        app.get("/v1/catalog/items?limit=0", None).await,
        app.send("DELETE", "/v1/menu", None, &[], None).await,
        app.login("nobody@example.com", "not-the-password-at-all")
            .await,
    ];
    for res in &problems {
        let problem = res.problem(res.status);
        let slug = problem["type"]
            .as_str()
            .unwrap()
            .strip_prefix("https://brigade.dev/problems/")
            .expect("types live under /problems/");
        assert_eq!(problem["code"], slug.replace('-', "_"));
        let page = app.get(&format!("/problems/{slug}"), None).await;
        assert_eq!(page.status, 200, "/problems/{slug}");
        let text = String::from_utf8_lossy(&page.raw);
        assert!(text.contains(problem["title"].as_str().unwrap()), "{text}");
    }
    let index = String::from_utf8(app.get("/problems", None).await.raw).unwrap();
    assert!(index.contains("/problems/validation"));
    app.get("/problems/no-such-thing", None).await.problem(404);
}

#[actix_web::test]
async fn registration_reports_every_invalid_field_at_once() {
    let app = TestApp::spawn().await;
    let res = app
        .post(
            "/v1/auth/register",
            None,
            serde_json::json!({"email": "not-an-email", "password": "short", "name": " "}),
        )
        .await;
    let fields: Vec<&str> = res.problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "name"], "{}", res.body);
}
