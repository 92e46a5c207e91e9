//! Paying: idempotency keys, declines, processor timeouts and refunds.

use serde_json::json;

use crate::support::Cafe;

#[actix_web::test]
async fn the_same_key_replays_and_never_charges_twice() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let first = cafe.pay(&cafe.customer, id, "key-1", "tok_ok").await;
    assert_eq!(first.status, 201);
    let payment_id = first.body["id"].as_str().unwrap();
    let location = format!("/v1/payments/{payment_id}");
    assert_eq!(first.header("location"), Some(location.clone()));
    assert_eq!(first.header("idempotent-replayed"), None);
    let replay = cafe.pay(&cafe.customer, id, "key-1", "tok_ok").await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.body, first.body);
    // A replay says so, like every other create's.
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(replay.header("location"), Some(location.clone()));
    let mismatch = cafe.pay(&cafe.customer, id, "key-1", "tok_declined").await;
    assert_eq!(
        mismatch.problem(422)["type"],
        "https://brigade.dev/problems/idempotency-key-reused"
    );
    // Another key cannot pay a paid order again.
    let again = cafe.pay(&cafe.customer, id, "key-2", "tok_ok").await;
    again.problem(409);
}

#[actix_web::test]
async fn concurrent_duplicates_charge_once() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let attempts = (0..10).map(|i| {
        let key = if i % 2 == 0 { "same" } else { "other" };
        cafe.pay(&cafe.customer, id, key, "tok_ok")
    });
    let results = futures_util::future::join_all(attempts).await;
    let captured: std::collections::HashSet<String> = results
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.body["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        captured.len(),
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
}

#[actix_web::test]
async fn keys_are_required_and_bounded() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let path = format!("/v1/orders/{}/payments", order["id"].as_str().unwrap());
    let missing = cafe
        .app
        .post(&path, Some(&cafe.customer), json!({"card_token": "tok_ok"}))
        .await;
    missing.problem(400);
    let long = "k".repeat(256);
    cafe.pay(
        &cafe.customer,
        order["id"].as_str().unwrap(),
        &long,
        "tok_ok",
    )
    .await
    .problem(400);
    let unknown = cafe
        .pay(
            &cafe.customer,
            order["id"].as_str().unwrap(),
            "k",
            "tok_what",
        )
        .await;
    assert_eq!(unknown.problem(422)["errors"][0]["field"], "card_token");
}

#[actix_web::test]
async fn declines_are_402_and_capped_per_order() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let declined = cafe.pay(&cafe.customer, id, "d0", "tok_declined").await;
    assert!(
        declined.problem(402)["detail"]
            .as_str()
            .unwrap()
            .contains("card_declined")
    );
    let broke = cafe
        .pay(&cafe.customer, id, "d1", "tok_insufficient_funds")
        .await;
    assert!(
        broke.problem(402)["detail"]
            .as_str()
            .unwrap()
            .contains("insufficient_funds")
    );
    // The replay of a decline is the same decline.
    cafe.pay(&cafe.customer, id, "d0", "tok_declined")
        .await
        .problem(402);
    for i in 2..5 {
        cafe.pay(&cafe.customer, id, &format!("d{i}"), "tok_declined")
            .await
            .problem(402);
    }
    let capped = cafe.pay(&cafe.customer, id, "d5", "tok_ok").await;
    assert!(
        capped.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("declined")
    );
}

#[actix_web::test]
async fn a_processor_answering_after_a_round_trip_captures_the_payment_all_the_same() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let paid = cafe.pay(&cafe.customer, id, "s1", "tok_slow").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(
        (&paid.body["status"], &paid.body["card"]["last4"]),
        (&json!("captured"), &json!("4242"))
    );
    // Answered again from the key, without charging twice.
    let again = cafe.pay(&cafe.customer, id, "s1", "tok_slow").await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body, paid.body);
    cafe.wait_for_status(id, "paid").await;
}

#[actix_web::test]
async fn a_processor_timeout_is_504_and_the_payment_stays_pending() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let timeout = cafe.pay(&cafe.customer, id, "t1", "tok_timeout").await;
    assert_eq!(
        timeout.problem(504)["type"],
        "https://brigade.dev/problems/processor-timeout"
    );
    // The outcome can be read back without paying again.
    let location = timeout
        .header("location")
        .expect("a 504 points at the payment");
    let pending = cafe.app.get(&location, Some(&cafe.customer)).await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    assert_eq!(pending.body["status"], "pending");
    let listed = cafe
        .app
        .get(&format!("/v1/orders/{id}/payments"), Some(&cafe.customer))
        .await;
    assert_eq!(listed.body["data"][0]["id"], pending.body["id"]);
    let retry = cafe.pay(&cafe.customer, id, "t1", "tok_timeout").await;
    retry.problem(504);
    // Still pending: no other charge may start, and the order is not paid.
    let other = cafe.pay(&cafe.customer, id, "t2", "tok_ok").await;
    other.problem(409);
    let order = cafe
        .app
        .get(&format!("/v1/orders/{id}"), Some(&cafe.customer))
        .await;
    assert_eq!(order.body["status"], "placed");
}

#[actix_web::test]
async fn refunds_never_exceed_the_capture_and_are_for_staff() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let paid = cafe
        .pay(&cafe.customer, order["id"].as_str().unwrap(), "k", "tok_ok")
        .await;
    let path = format!("/v1/payments/{}/refunds", paid.body["id"].as_str().unwrap());
    cafe.app
        .post(&path, Some(&cafe.customer), json!({"amount": 100}))
        .await
        .problem(403);
    cafe.app
        .post(&path, Some(&cafe.cook), json!({"amount": 100}))
        .await
        .problem(403);
    let part = cafe
        .app
        .post(&path, Some(&cafe.staff), json!({"amount": 1000}))
        .await;
    assert_eq!(part.status, 201, "{}", part.body);
    assert_eq!(part.body["amount"], 1000);
    let over = cafe
        .app
        .post(&path, Some(&cafe.staff), json!({"amount": 200}))
        .await;
    assert!(
        over.problem(422)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("199")
    );
    let rest = cafe
        .app
        .post(&path, Some(&cafe.admin), json!({"amount": 199}))
        .await;
    assert_eq!(rest.status, 201);
    cafe.app
        .post(
            "/v1/payments/pay_nope/refunds",
            Some(&cafe.staff),
            json!({"amount": 1}),
        )
        .await
        .problem(404);
}

#[actix_web::test]
async fn payments_are_read_back_by_their_customer_and_staff_only() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let declined = cafe
        .pay(&cafe.customer, id, "d", "tok_insufficient_funds")
        .await;
    assert_eq!(declined.problem(402)["code"], "insufficient_funds");
    let paid = cafe.pay(&cafe.customer, id, "ok", "tok_ok").await;
    assert_eq!(paid.status, 201);
    let list = cafe
        .app
        .get(&format!("/v1/orders/{id}/payments"), Some(&cafe.customer))
        .await;
    let statuses: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["declined", "captured"], "{}", list.body);
    let path = format!("/v1/payments/{}", paid.body["id"].as_str().unwrap());
    let mine = cafe.app.get(&path, Some(&cafe.customer)).await;
    assert_eq!(
        (mine.status, mine.body["amount"].clone()),
        (200, order["total"].clone())
    );
    assert_eq!(cafe.app.get(&path, Some(&cafe.staff)).await.status, 200);
    // Another customer learns nothing, not even that it exists.
    let eve = cafe.app.customer_token("eve@example.com").await;
    cafe.app.get(&path, Some(&eve)).await.problem(404);
    cafe.app
        .get(&format!("/v1/orders/{id}/payments"), Some(&eve))
        .await
        .problem(404);
}

#[actix_web::test]
async fn an_order_shows_its_charges_and_refunds() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    assert_eq!(order["payments"], json!([]));
    cafe.pay(&cafe.customer, id, "d", "tok_declined")
        .await
        .problem(402);
    let paid = cafe.pay(&cafe.customer, id, "ok", "tok_ok").await;
    let payment_id = paid.body["id"].as_str().unwrap();
    let path = format!("/v1/orders/{id}");
    let shown = cafe
        .app
        .eventually(&path, Some(&cafe.customer), |o| {
            o["payments"].as_array().is_some_and(|p| p.len() == 2)
        })
        .await;
    let payments = shown["payments"].as_array().unwrap();
    assert_eq!(payments[0]["status"], "failed");
    assert_eq!(payments[0]["failure_reason"], "card_declined");
    assert_eq!(payments[1]["id"], payment_id);
    assert_eq!(payments[1]["status"], "captured");
    assert_eq!(payments[1]["amount"], order["total"]);
    assert_eq!(payments[1]["refunded_amount"], 0);

    let refunds = format!("/v1/payments/{payment_id}/refunds");
    for amount in [100, 50] {
        let refund = cafe
            .app
            .post(&refunds, Some(&cafe.staff), json!({"amount": amount}))
            .await;
        assert_eq!(refund.status, 201, "{}", refund.body);
    }
    cafe.app
        .eventually(&path, Some(&cafe.customer), |o| {
            o["payments"][1]["refunded_amount"] == 150
        })
        .await;
    // Lists show the same charges.
    let listed = cafe.app.get("/v1/orders", Some(&cafe.staff)).await;
    let mine = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap();
    assert_eq!(mine["payments"][1]["refunded_amount"], 150);
}
