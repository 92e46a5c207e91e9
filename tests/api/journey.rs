//! The whole order journey through HTTP: menu → order → payment → kitchen → delivery.

use serde_json::{Value, json};

use crate::support::Cafe;

crate::support::in_both_topologies!(
    a_delivery_order_goes_from_menu_to_the_door,
    a_pickup_order_is_handed_over_at_the_counter,
    cancelling_a_paid_order_refunds_it_and_stops_the_kitchen,
    customers_cannot_cancel_once_preparation_started_but_staff_can
);

fn address() -> Value {
    json!({"type": "delivery", "address": {"line1": "12 Rue des Lilas", "city": "Lyon",
        "postal_code": "69003", "country": "FR"}})
}

async fn a_delivery_order_goes_from_menu_to_the_door(cafe: Cafe) {
    let app = &cafe.app;

    // The customer reads the menu and orders: the server prices everything.
    let menu = app.get("/v1/menu", None).await;
    assert_eq!(menu.status, 200);
    let order = cafe.order(&cafe.customer, address()).await;
    let order_id = order["id"].as_str().unwrap();
    assert_eq!(order["status"], "placed");
    assert_eq!(order["lines"][0]["unit_price"], 420);
    assert_eq!(order["lines"][0]["line_total"], 840);
    assert_eq!(order["subtotal"], 1090);
    assert_eq!(order["tax"], 109);
    assert_eq!(order["delivery_fee"], 350);
    assert_eq!(order["total"], 1549);
    assert_eq!(order["currency"], "EUR");

    // Payment captures the order's total; the order becomes paid.
    let paid = cafe.pay(&cafe.customer, order_id, "pay-1", "tok_ok").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.body["status"], "captured");
    assert_eq!(paid.body["amount"], 1549);
    assert_eq!(paid.body["card"], json!({"brand": "visa", "last4": "4242"}));
    cafe.wait_for_status(order_id, "paid").await;

    // The kitchen gets one ticket, routed to the bar and pastry stations.
    let bar = app
        .eventually("/v1/kitchen/tickets?station=bar", Some(&cafe.cook), |p| {
            p["data"].as_array().is_some_and(|d| d.len() == 1)
        })
        .await;
    assert_eq!(
        bar["data"][0]["lines"].as_array().unwrap().len(),
        1,
        "only the bar's line"
    );
    cafe.cook_everything(order_id).await;
    cafe.wait_for_status(order_id, "ready").await;

    // A courier claims the delivery, picks it up, reports where they are and delivers.
    let list = app
        .eventually(
            "/v1/deliveries?status=awaiting_courier",
            Some(&cafe.courier),
            |p| p["data"].as_array().is_some_and(|d| d.len() == 1),
        )
        .await;
    let delivery = &list["data"][0];
    assert_eq!(delivery["order_id"], order_id);
    assert_eq!(delivery["address"]["city"], "Lyon");
    let id = delivery["id"].as_str().unwrap();
    let with_code = cafe.wait_for_status(order_id, "ready").await;
    let code = app
        .eventually(
            &format!("/v1/orders/{order_id}"),
            Some(&cafe.customer),
            |o| o["tracking_code"].is_string(),
        )
        .await["tracking_code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(with_code["id"], order_id);
    // The kitchen has finished: tracking expects the order one trip from now, and so does
    // the order (both written as the delivery was created).
    let tracked = app.get(&format!("/v1/track/{code}"), None).await;
    assert!(tracked.body["eta"].is_string(), "{}", tracked.body);
    let with_eta = app
        .get(&format!("/v1/orders/{order_id}"), Some(&cafe.customer))
        .await;
    assert_eq!(with_eta.body["eta"], tracked.body["eta"]);
    for step in ["claim", "pickup"] {
        let res = app
            .post(
                &format!("/v1/deliveries/{id}/{step}"),
                Some(&cafe.courier),
                json!({}),
            )
            .await;
        assert_eq!(res.status, 200, "{step}: {}", res.body);
    }
    cafe.wait_for_status(order_id, "out_for_delivery").await;
    let ping = app
        .post(
            &format!("/v1/deliveries/{id}/location"),
            Some(&cafe.courier),
            json!({"lat": 45.7578, "lng": 4.832}),
        )
        .await;
    assert_eq!(ping.status, 200, "{}", ping.body);

    // Anyone with the code sees status, ETA and position — nothing personal.
    let track = app.get(&format!("/v1/track/{code}"), None).await;
    assert_eq!(track.status, 200);
    assert_eq!(track.body["status"], "picked_up");
    assert!(track.body["eta"].is_string());
    assert_eq!(track.body["last_position"]["lat"], 45.7578);
    let keys: Vec<&String> = track.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["eta", "last_position", "status"]);
    assert!(!track.raw.windows(4).any(|w| w == b"Lyon"));

    let done = app
        .post(
            &format!("/v1/deliveries/{id}/deliver"),
            Some(&cafe.courier),
            json!({}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    cafe.wait_for_status(order_id, "delivered").await;
    assert_eq!(
        app.get(&format!("/v1/track/{code}"), None).await.body["status"],
        "delivered"
    );
    assert_eq!(
        app.get("/v1/track/no-such-code", None).await.problem(404)["status"],
        404
    );
}

async fn a_pickup_order_is_handed_over_at_the_counter(cafe: Cafe) {
    let app = &cafe.app;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap();
    assert_eq!(order["delivery_fee"], 0);
    let early = app
        .post(
            &format!("/v1/orders/{order_id}/hand-over"),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(
        early.problem(409)["detail"],
        "an order cannot go from `placed` to `picked_up`"
    );
    assert_eq!(
        cafe.pay(&cafe.customer, order_id, "k1", "tok_ok")
            .await
            .status,
        201
    );
    cafe.cook_everything(order_id).await;
    cafe.wait_for_status(order_id, "ready").await;
    let handed = app
        .post(
            &format!("/v1/orders/{order_id}/hand-over"),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(handed.status, 200, "{}", handed.body);
    assert_eq!(handed.body["status"], "picked_up");
    // No delivery was ever created for it.
    let deliveries = app.get("/v1/deliveries", Some(&cafe.courier)).await;
    assert_eq!(deliveries.body["data"], json!([]));
}

async fn cancelling_a_paid_order_refunds_it_and_stops_the_kitchen(cafe: Cafe) {
    let app = &cafe.app;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap();
    let payment = cafe.pay(&cafe.customer, order_id, "k1", "tok_ok").await;
    let payment_id = payment.body["id"].as_str().unwrap();
    cafe.wait_for_status(order_id, "paid").await;
    let ticket_path = format!("/v1/kitchen/tickets?order_id={order_id}");
    app.eventually(&ticket_path, Some(&cafe.cook), |p| {
        p["data"][0]["status"] == "queued"
    })
    .await;

    let cancelled = app
        .post(
            &format!("/v1/orders/{order_id}/cancel"),
            Some(&cafe.customer),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    app.eventually(&ticket_path, Some(&cafe.cook), |p| {
        p["data"][0]["status"] == "cancelled"
    })
    .await;

    // The full amount went back: nothing is left to refund.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let res = app
            .post(
                &format!("/v1/payments/{payment_id}/refunds"),
                Some(&cafe.staff),
                json!({"amount": 1}),
            )
            .await;
        if res.status == 422 {
            assert_eq!(res.body["errors"][0]["field"], "amount");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never refunded: {}",
            res.body
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // And a cancelled order cannot be cancelled again.
    let again = app
        .post(
            &format!("/v1/orders/{order_id}/cancel"),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(
        again.problem(409)["detail"],
        "an order cannot go from `cancelled` to `cancelled`"
    );
}

async fn customers_cannot_cancel_once_preparation_started_but_staff_can(cafe: Cafe) {
    let app = &cafe.app;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap();
    cafe.pay(&cafe.customer, order_id, "k1", "tok_ok").await;
    let ticket = &cafe.ticket_of(order_id).await;
    let (tid, lid) = (
        ticket["id"].as_str().unwrap(),
        ticket["lines"][0]["id"].as_str().unwrap(),
    );
    let started = app
        .post(
            &format!("/v1/kitchen/tickets/{tid}/lines/{lid}/start"),
            Some(&cafe.cook),
            json!({}),
        )
        .await;
    assert_eq!(started.status, 200);
    // Finishing a line twice, or before starting it, is a conflict.
    let other = ticket["lines"][1]["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/v1/kitchen/tickets/{tid}/lines/{other}/done"),
            Some(&cafe.cook),
            json!({}),
        )
        .await;
    res.problem(409);
    cafe.wait_for_status(order_id, "in_preparation").await;
    let refused = app
        .post(
            &format!("/v1/orders/{order_id}/cancel"),
            Some(&cafe.customer),
            json!({}),
        )
        .await;
    assert_eq!(
        refused.problem(409)["detail"],
        "an order cannot go from `in_preparation` to `cancelled`"
    );
    let by_staff = app
        .post(
            &format!("/v1/orders/{order_id}/cancel"),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(by_staff.status, 200);
}
