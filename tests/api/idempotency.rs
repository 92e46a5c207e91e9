//! `Idempotency-Key` on every creating POST: replay, mismatch, in-flight, per principal.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::support::TestApp;

use crate::support::Cafe;

fn order(cafe: &Cafe, quantity: u32) -> Value {
    json!({"lines": [{"item_id": cafe.croissant, "quantity": quantity}], "fulfillment": {"type": "pickup"}})
}

async fn post(cafe: &Cafe, token: &str, key: &str, body: Value) -> crate::support::Response {
    cafe.app
        .send(
            "POST",
            "/v1/orders",
            Some(token),
            &[("Idempotency-Key", key)],
            Some(body),
        )
        .await
}

#[actix_web::test]
async fn the_same_key_and_body_replay_the_first_response() {
    let cafe = Cafe::open().await;
    let first = post(&cafe, &cafe.customer, "order-1", order(&cafe, 1)).await;
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = post(&cafe, &cafe.customer, "order-1", order(&cafe, 1)).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, first.body);
    // A replay is the first answer again, headers that matter included.
    for header in ["location", "cache-control", "etag", "content-type"] {
        assert_eq!(again.header(header), first.header(header), "{header}");
    }
    assert_eq!(
        again.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    let list = cafe.app.get("/v1/orders", Some(&cafe.customer)).await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        1,
        "one order, not two"
    );

    // Same key, another body: refused. Another principal's identical key: its own order.
    let other = post(&cafe, &cafe.customer, "order-1", order(&cafe, 2)).await;
    assert_eq!(
        other.problem(422)["type"],
        "https://brigade.dev/problems/idempotency-key-reused"
    );
    let bob = cafe.app.customer_token("bob@example.com").await;
    let bobs = post(&cafe, &bob, "order-1", order(&cafe, 1)).await;
    assert_eq!(bobs.status, 201);
    assert_ne!(bobs.body["id"], first.body["id"]);
}

#[actix_web::test]
async fn validation_failures_are_not_kept_and_long_keys_are_refused() {
    let cafe = Cafe::open().await;
    let bad = post(
        &cafe,
        &cafe.customer,
        "k",
        json!({"lines": [], "fulfillment": {"type": "pickup"}}),
    )
    .await;
    bad.problem(422);
    let good = post(&cafe, &cafe.customer, "k", order(&cafe, 1)).await;
    assert_eq!(good.status, 201, "the key was free again: {}", good.body);
    post(&cafe, &cafe.customer, &"k".repeat(256), order(&cafe, 1))
        .await
        .problem(400);
    post(&cafe, &cafe.customer, "has space", order(&cafe, 1))
        .await
        .problem(400);
}

#[actix_web::test]
async fn twenty_concurrent_requests_with_one_key_create_exactly_one_order() {
    let cafe = Cafe::open().await;
    let attempts = (0..20).map(|_| post(&cafe, &cafe.customer, "burst", order(&cafe, 1)));
    let results = futures_util::future::join_all(attempts).await;
    let created: std::collections::HashSet<String> = results
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.body["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        created.len(),
        1,
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in &results {
        assert!(
            r.status == 201 || r.status == 409,
            "{} {}",
            r.status,
            r.body
        );
        if r.status == 409 {
            assert_eq!(r.problem(409)["code"], "idempotency_key_in_flight");
            assert!(r.header("retry-after").is_some(), "409 says when to retry");
        }
    }
    let list = cafe.app.get("/v1/orders", Some(&cafe.customer)).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_refusal_that_depends_on_state_is_not_kept() {
    // One unpaid order allowed: the second is refused until the first is paid.
    let cafe = Cafe::open_with(&[("BRIGADE_ORDERING__MAX_OPEN_UNPAID", "1")]).await;
    let first = post(&cafe, &cafe.customer, "first", order(&cafe, 1)).await;
    assert_eq!(first.status, 201);
    post(&cafe, &cafe.customer, "second", order(&cafe, 2))
        .await
        .problem(409);
    let id = first.body["id"].as_str().unwrap();
    assert_eq!(
        cafe.pay(&cafe.customer, id, "pay", "tok_ok").await.status,
        201
    );
    cafe.wait_for_status(id, "paid").await;
    let retried = post(&cafe, &cafe.customer, "second", order(&cafe, 2)).await;
    assert_eq!(retried.status, 201, "the key recovers: {}", retried.body);
    assert_eq!(retried.header("idempotent-replayed"), None);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    n: i32,
}

/// Stored idempotent responses whose text contains `needle`.
async fn stored_containing(app: &TestApp, needle: &str) -> i32 {
    let sql = format!(
        "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM gateway_idempotency \
         WHERE body LIKE '%{needle}%' OR headers LIKE '%{needle}%'"
    );
    app.sql_row::<Count>(sql).await.n
}

#[actix_web::test]
async fn secrets_shown_once_are_never_stored_and_their_replay_says_so() {
    let app = TestApp::spawn().await;
    let owner = app.customer_token("sam@example.com").await;
    let create = || {
        app.send(
            "POST",
            "/v1/api-keys",
            Some(&owner),
            &[("Idempotency-Key", "new-key")],
            Some(json!({"name": "till", "scopes": ["orders:read"]})),
        )
    };
    let first = create().await;
    assert_eq!(first.status, 201, "{}", first.body);
    let secret = first.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        stored_containing(&app, &secret).await,
        0,
        "the secret was stored"
    );

    let again = create().await;
    let problem = again.problem(409);
    assert_eq!(problem["code"], "secret_shown_once");
    assert!(
        !again
            .raw
            .windows(secret.len())
            .any(|w| w == secret.as_bytes())
    );
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    let keys = app.get("/v1/api-keys", Some(&owner)).await;
    assert_eq!(
        keys.body["data"].as_array().unwrap().len(),
        1,
        "no second key"
    );

    // Rotation shows a new secret once, too.
    let path = format!("/v1/api-keys/{}/rotate", first.body["id"].as_str().unwrap());
    let rotate = || {
        app.send(
            "POST",
            &path,
            Some(&owner),
            &[("Idempotency-Key", "rotate-1")],
            None,
        )
    };
    let rotated = rotate().await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(stored_containing(&app, &new_secret).await, 0);
    assert_eq!(rotate().await.problem(409)["code"], "secret_shown_once");
}
