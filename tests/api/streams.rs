//! Live feeds: the kitchen's per-station stream and a customer's order status stream.

use serde_json::json;

use crate::support::Cafe;

crate::support::in_both_topologies!(
    the_kitchen_stream_is_per_station_and_resumes_from_last_event_id,
    customers_watch_their_order_change_status_live
);

async fn the_kitchen_stream_is_per_station_and_resumes_from_last_event_id(cafe: Cafe) {
    let app = &cafe.app;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap();
    assert_eq!(
        cafe.pay(&cafe.customer, order_id, "k", "tok_ok")
            .await
            .status,
        201
    );
    // From the beginning (Last-Event-ID 0): the pastry station sees the new ticket.
    let pastry = app
        .sse(
            "/v1/kitchen/stream?station=pastry",
            &cafe.cook,
            Some("0"),
            1,
        )
        .await;
    assert_eq!(pastry[0].1, "ticket.created");
    assert_eq!(pastry[0].2["payload"]["order_id"], order_id);
    let created_id = pastry[0].0.clone().unwrap();

    cafe.cook_everything(order_id).await;
    // The bar's feed after the ticket was created: its own line events and the ticket's, not
    // the pastry line's.
    let bar = app
        .sse(
            "/v1/kitchen/stream?station=bar",
            &cafe.cook,
            Some(&created_id),
            4,
        )
        .await;
    let kinds: Vec<&str> = bar.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ticket.started",
            "ticket.line_started",
            "ticket.line_done",
            "ticket.ready"
        ]
    );
    for e in &bar {
        let station = &e.2["payload"]["station"];
        assert!(station.is_null() || station == "bar", "{e:?}");
    }
    let ids: Vec<i64> = bar
        .iter()
        .map(|e| e.0.as_ref().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
    // Customers and couriers have no kitchen feed.
    let refused = app.get("/v1/kitchen/stream", Some(&cafe.customer)).await;
    refused.problem(403);
}

async fn customers_watch_their_order_change_status_live(cafe: Cafe) {
    let app = &cafe.app;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/orders/{order_id}/stream");

    let watcher = {
        let path = path.clone();
        let token = cafe.customer.clone();
        let app = &cafe.app;
        async move { app.sse(&path, &token, None, 4).await }
    };
    let driver = async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(
            cafe.pay(&cafe.customer, &order_id, "k", "tok_ok")
                .await
                .status,
            201
        );
        cafe.cook_everything(&order_id).await;
    };
    let (events, ()) = futures_util::future::join(watcher, driver).await;
    assert_eq!(events[0].1, "order.snapshot");
    assert_eq!(events[0].2["status"], "placed");
    let statuses: Vec<&serde_json::Value> = events[1..]
        .iter()
        .map(|e| &e.2["payload"]["status"])
        .collect();
    assert_eq!(
        statuses,
        [&json!("paid"), &json!("in_preparation"), &json!("ready")]
    );

    // Reconnecting after the first change replays the rest.
    let first_change = events[1].0.clone().unwrap();
    let resumed = app.sse(&path, &cafe.customer, Some(&first_change), 3).await;
    assert_eq!(resumed[0].2["status"], "ready", "the snapshot comes first");
    assert_eq!(resumed[1].2["payload"]["status"], "in_preparation");
    assert_eq!(resumed[2].2["payload"]["status"], "ready");

    // Nobody else can watch it.
    let stranger = app.customer_token("eve@example.com").await;
    app.get(&path, Some(&stranger)).await.problem(404);
}
