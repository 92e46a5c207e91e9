//! `Idempotency-Key` on every creating POST: replay, mismatch, in-flight, per principal.

use serde_json::{Value, json};

use crate::journey::Cafe;

fn order(cafe: &Cafe, quantity: u32) -> Value {
    json!({"lines": [{"item_id": cafe.croissant, "quantity": quantity}], "fulfillment": {"type": "pickup"}})
}

async fn post(cafe: &Cafe, token: &str, key: &str, body: Value) -> crate::helpers::Response {
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
    assert_eq!(again.header("location"), first.header("location"));
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
    }
    let list = cafe.app.get("/v1/orders", Some(&cafe.customer)).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
}
