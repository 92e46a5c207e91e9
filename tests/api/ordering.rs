//! Placing and reading orders: server-side pricing, validation and visibility.

use serde_json::json;

use crate::support::{Cafe, each};

#[actix_web::test]
async fn prices_totals_status_and_owner_cannot_be_sent() {
    let cafe = Cafe::open().await;
    for extra in ["total", "status", "customer_id", "subtotal"] {
        let mut body = json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}],
            "fulfillment": {"type": "pickup"}});
        body[extra] = json!(1);
        let res = cafe
            .app
            .post("/v1/orders", Some(&cafe.customer), body)
            .await;
        assert!(
            res.status == 422 || res.status == 400,
            "{extra}: {}",
            res.status
        );
        assert!(
            res.body["detail"].as_str().unwrap().contains(extra),
            "{}",
            res.body
        );
    }
    let priced = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            json!({"lines": [{"item_id": cafe.croissant, "quantity": 1, "unit_price": 1}],
                "fulfillment": {"type": "pickup"}}),
        )
        .await;
    assert_eq!(priced.status, 422, "{}", priced.body);
}

#[actix_web::test]
async fn bad_lines_are_named_in_the_problem() {
    let cafe = Cafe::open().await;
    let sold_out = cafe
        .app
        .put(
            &format!("/v1/catalog/items/{}/availability", cafe.croissant),
            Some(&cafe.staff),
            json!({"available": false}),
        )
        .await;
    assert_eq!(sold_out.status, 200);
    let res = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            json!({"lines": [
                {"item_id": cafe.croissant, "quantity": 1},
                {"item_id": "itm_nope", "quantity": 1},
                {"item_id": cafe.flat_white, "quantity": 1, "options": ["opt_nope"]}],
              "fulfillment": {"type": "delivery", "address": {"line1": "", "city": "Lyon",
                "postal_code": "69003", "country": "france"}}}),
        )
        .await;
    let problem = res.problem(422);
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    for expected in [
        ("lines[0].item_id", "unavailable"),
        ("lines[1].item_id", "unknown_item"),
        ("lines[2].options[0]", "unknown_option"),
        ("fulfillment.address.line1", "invalid"),
        ("fulfillment.address.country", "invalid"),
    ] {
        assert!(
            fields.contains(&expected),
            "{expected:?} missing from {fields:?}"
        );
    }
    let zero = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            json!({"lines": [{"item_id": cafe.flat_white, "quantity": 0}], "fulfillment": {"type": "pickup"}}),
        )
        .await;
    assert_eq!(zero.problem(422)["errors"][0]["field"], "lines[0].quantity");
}

#[actix_web::test]
async fn customers_see_only_their_own_orders_and_staff_see_all() {
    let cafe = Cafe::open().await;
    let mine = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let other = cafe.app.customer_token("bob@example.com").await;
    let theirs = cafe.order(&other, json!({"type": "pickup"})).await;
    let path = format!("/v1/orders/{}", theirs["id"].as_str().unwrap());
    cafe.app.get(&path, Some(&cafe.customer)).await.problem(404);
    let pay = cafe
        .pay(
            &cafe.customer,
            theirs["id"].as_str().unwrap(),
            "k",
            "tok_ok",
        )
        .await;
    pay.problem(404);
    let cancel = cafe
        .app
        .post(&format!("{path}/cancel"), Some(&cafe.customer), json!({}))
        .await;
    cancel.problem(404);

    let list = cafe.app.get("/v1/orders", Some(&cafe.customer)).await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    let ids: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine["id"].as_str().unwrap()]);

    let all = cafe.app.get("/v1/orders?limit=1", Some(&cafe.staff)).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 1);
    let next = all.body["next_cursor"].as_str().unwrap();
    let rest = cafe
        .app
        .get(
            &format!("/v1/orders?limit=1&cursor={next}"),
            Some(&cafe.staff),
        )
        .await;
    assert_eq!(rest.body["data"].as_array().unwrap().len(), 1);
    assert_ne!(rest.body["data"][0]["id"], all.body["data"][0]["id"]);
    let placed = cafe
        .app
        .get("/v1/orders?status=paid", Some(&cafe.staff))
        .await;
    assert_eq!(placed.body["data"], json!([]));
}

/// A customer's page shows each of their orders as reading it alone does: its lines in the
/// order they were placed and its charges oldest first, whoever ordered in between.
#[actix_web::test]
async fn a_customers_page_shows_each_order_whole() {
    let cafe = Cafe::open().await;
    let bob = cafe.app.customer_token("bob@example.com").await;
    let first = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let between = cafe.order(&bob, json!({"type": "pickup"})).await;
    let last = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let first_id = first["id"].as_str().unwrap();
    cafe.pay(&cafe.customer, first_id, "declined", "tok_declined")
        .await
        .problem(402);
    let paid = cafe.pay(&cafe.customer, first_id, "ok", "tok_ok").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let bobs = cafe
        .pay(&bob, between["id"].as_str().unwrap(), "ok", "tok_ok")
        .await;
    assert_eq!(bobs.status, 201, "{}", bobs.body);
    let shown = cafe
        .app
        .eventually(
            &format!("/v1/orders/{first_id}"),
            Some(&cafe.customer),
            |o| o["payments"].as_array().is_some_and(|p| p.len() == 2),
        )
        .await;

    let page = cafe.app.get("/v1/orders", Some(&cafe.customer)).await;
    assert_eq!(page.status, 200);
    let orders = &page.body["data"];
    assert_eq!(each(orders, "id"), [last["id"].as_str().unwrap(), first_id]);
    assert_eq!(orders[0]["lines"], last["lines"]);
    assert_eq!(orders[0]["payments"], json!([]));
    assert_eq!(orders[1]["lines"], first["lines"]);
    assert_eq!(
        each(&orders[1]["lines"], "name"),
        ["Flat white", "Croissant"]
    );
    assert_eq!(orders[1]["payments"], shown["payments"]);
    assert_eq!(
        each(&orders[1]["payments"], "status"),
        ["failed", "captured"]
    );
}

/// Reads arriving together share their database round trips on PostgreSQL (a round of
/// readers is read by one statement): each customer still sees exactly their own orders,
/// newest first, as many as they asked for.
#[actix_web::test]
async fn customers_reading_at_the_same_time_each_see_their_own_orders() {
    let cafe = Cafe::open().await;
    let mut customers = Vec::new();
    for n in 0..4 {
        let token = cafe
            .app
            .customer_token(&format!("guest{n}@example.com"))
            .await;
        let older = cafe.order(&token, json!({"type": "pickup"})).await;
        let newer = cafe.order(&token, json!({"type": "pickup"})).await;
        let ids = [newer["id"].as_str().unwrap(), older["id"].as_str().unwrap()].map(String::from);
        customers.push((token, ids));
    }

    let reads = customers.iter().flat_map(|(token, [newer, older])| {
        [
            ("/v1/orders".to_owned(), token, json!([newer, older])),
            ("/v1/orders?limit=1".to_owned(), token, json!([newer])),
            (format!("/v1/orders/{older}"), token, json!(older)),
            (format!("/v1/orders/{newer}"), token, json!(newer)),
        ]
    });
    let reads: Vec<_> = reads.collect();
    let answers = futures_util::future::join_all(
        reads
            .iter()
            .map(|(path, token, _)| cafe.app.get(path, Some(token))),
    )
    .await;
    for ((path, _, expected), answer) in reads.iter().zip(answers) {
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let seen = match answer.body.get("data") {
            Some(page) => json!(each(page, "id")),
            None => answer.body["id"].clone(),
        };
        assert_eq!(&seen, expected, "{path}");
    }
}

#[actix_web::test]
async fn unpaid_orders_are_capped_per_customer() {
    let cafe = Cafe::open().await;
    let mut unpaid = Vec::new();
    for _ in 0..5 {
        unpaid.push(cafe.order(&cafe.customer, json!({"type": "pickup"})).await);
    }
    let place = || {
        cafe.app.post(
            "/v1/orders",
            Some(&cafe.customer),
            json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}], "fulfillment": {"type": "pickup"}}),
        )
    };
    let res = place().await;
    assert!(
        res.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("you already have 5 unpaid orders")
    );
    // Another customer's unpaid orders are theirs: Bob is not capped by these.
    let bob = cafe.app.customer_token("bob@example.com").await;
    cafe.order(&bob, json!({"type": "pickup"})).await;

    // Paying one frees a place once ordering hears of the payment; cancelling another frees
    // one more at once.
    let first = unpaid[0]["id"].as_str().unwrap();
    let paid = cafe.pay(&cafe.customer, first, "cap-1", "tok_ok").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    cafe.wait_for_status(first, "paid").await;
    assert_eq!(place().await.status, 201);
    assert_eq!(place().await.status, 409);
    let cancelled = cafe
        .cancel(&cafe.customer, unpaid[1]["id"].as_str().unwrap())
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(place().await.status, 201);
    assert_eq!(place().await.status, 409);
    assert_eq!(
        cafe.app.post("/v1/orders", None, json!({})).await.status,
        401
    );
}
