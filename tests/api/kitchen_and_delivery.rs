//! Who may do what at the stations and on the road.

use serde_json::json;

use crate::support::Cafe;

#[actix_web::test]
async fn every_write_is_refused_to_roles_that_must_not_do_it() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let t = "/v1/kitchen/tickets/tkt_x/lines/lin_x";
    let d = "/v1/deliveries/dlv_x";
    // (path, body, tokens that must get 403)
    let matrix = [
        (
            format!("{t}/start"),
            json!({}),
            vec![&cafe.customer, &cafe.courier],
        ),
        (
            format!("{t}/done"),
            json!({}),
            vec![&cafe.customer, &cafe.courier],
        ),
        (
            format!("{d}/claim"),
            json!({}),
            vec![&cafe.customer, &cafe.cook, &cafe.staff],
        ),
        (
            format!("{d}/pickup"),
            json!({}),
            vec![&cafe.customer, &cafe.cook, &cafe.staff],
        ),
        (
            format!("{d}/location"),
            json!({"lat": 1.0, "lng": 2.0}),
            vec![&cafe.customer, &cafe.cook],
        ),
        (
            format!("{d}/deliver"),
            json!({}),
            vec![&cafe.customer, &cafe.cook, &cafe.staff],
        ),
        (
            "/v1/payments/pay_x/refunds".into(),
            json!({"amount": 1}),
            vec![&cafe.customer, &cafe.cook, &cafe.courier],
        ),
        (
            "/v1/orders/ord_x/hand-over".into(),
            json!({}),
            vec![&cafe.customer, &cafe.cook, &cafe.courier],
        ),
        (
            "/v1/admin/events/dead-letters/dlq_x/redrive".into(),
            json!({}),
            vec![&cafe.customer, &cafe.staff],
        ),
    ];
    for (path, body, refused) in &matrix {
        for token in refused {
            let res = app.post(path, Some(token), body.clone()).await;
            assert_eq!(res.status, 403, "POST {path}: {}", res.body);
        }
        assert_eq!(
            app.post(path, None, body.clone()).await.status,
            401,
            "POST {path}"
        );
    }
    for (path, refused) in [
        ("/v1/kitchen/tickets", vec![&cafe.customer, &cafe.courier]),
        ("/v1/deliveries", vec![&cafe.customer, &cafe.cook]),
        (
            "/v1/admin/events/dead-letters",
            vec![&cafe.customer, &cafe.staff],
        ),
    ] {
        for token in refused {
            assert_eq!(app.get(path, Some(token)).await.status, 403, "GET {path}");
        }
    }
}

#[actix_web::test]
async fn a_claimed_delivery_belongs_to_its_courier() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let order = cafe
        .order(
            &cafe.customer,
            json!({"type": "delivery", "address": {"line1": "1 Main St",
            "city": "Lyon", "postal_code": "69001", "country": "FR"}}),
        )
        .await;
    let order_id = order["id"].as_str().unwrap();
    cafe.pay(&cafe.customer, order_id, "k", "tok_ok").await;
    cafe.cook_everything(order_id).await;
    let list = app
        .eventually("/v1/deliveries", Some(&cafe.courier), |p| {
            p["data"].as_array().is_some_and(|d| d.len() == 1)
        })
        .await;
    let id = list["data"][0]["id"].as_str().unwrap();
    // On offer, every courier sees the area to ride to, not the door.
    assert_eq!(
        list["data"][0]["address"],
        json!({"city": "Lyon", "postal_code": "69001", "country": "FR"})
    );
    let rival = app
        .token_with_role(
            "rival@example.com",
            brigade::modules::identity::api::Role::Courier,
        )
        .await;
    let early = app
        .post(
            &format!("/v1/deliveries/{id}/deliver"),
            Some(&cafe.courier),
            json!({}),
        )
        .await;
    early.problem(409);
    assert_eq!(
        app.post(
            &format!("/v1/deliveries/{id}/claim"),
            Some(&cafe.courier),
            json!({})
        )
        .await
        .status,
        200
    );
    // Claimed: the full address for its courier, and nothing at all for the others.
    let mine = app.get("/v1/deliveries", Some(&cafe.courier)).await;
    assert_eq!(mine.body["data"][0]["address"]["line1"], "1 Main St");
    let theirs = app.get("/v1/deliveries", Some(&rival)).await;
    assert_eq!(theirs.body["data"], json!([]), "{}", theirs.body);
    for step in ["claim", "pickup", "deliver"] {
        app.post(
            &format!("/v1/deliveries/{id}/{step}"),
            Some(&rival),
            json!({}),
        )
        .await
        .problem(404);
    }
    // Staff dispatch every delivery, in full.
    let staff = app.get("/v1/deliveries", Some(&cafe.admin)).await;
    assert_eq!(staff.body["data"][0]["address"]["line1"], "1 Main St");
    let bad = app
        .post(
            &format!("/v1/deliveries/{id}/location"),
            Some(&cafe.courier),
            json!({"lat": 91, "lng": 0}),
        )
        .await;
    bad.problem(422);
}

#[actix_web::test]
async fn operators_see_event_subscriptions_and_an_empty_dead_letter_queue() {
    let cafe = Cafe::open().await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    cafe.pay(&cafe.customer, order["id"].as_str().unwrap(), "k", "tok_ok")
        .await;
    cafe.wait_for_status(order["id"].as_str().unwrap(), "paid")
        .await;
    let subs = cafe
        .app
        .eventually("/v1/admin/events/subscriptions", Some(&cafe.admin), |b| {
            b["data"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|s| s["name"] == "kitchen<-ordering" && s["position"].as_i64() > Some(0))
            })
        })
        .await;
    assert_eq!(
        subs["data"].as_array().unwrap().len(),
        brigade::modules::subscriptions().len()
    );
    let dead = cafe
        .app
        .get("/v1/admin/events/dead-letters", Some(&cafe.admin))
        .await;
    assert_eq!(dead.body, json!({"data": [], "next_cursor": null}));
    cafe.app
        .post(
            "/v1/admin/events/dead-letters/dlq_nope/redrive",
            Some(&cafe.admin),
            json!({}),
        )
        .await
        .problem(404);
}

/// The bar and the pastry station finish a ticket's last two lines at the same moment: one of
/// them sees the other's line done, so the ticket (and the order) becomes ready, once. On
/// PostgreSQL the two run in parallel transactions, so each must see the other's.
#[actix_web::test]
async fn two_stations_finishing_a_ticket_together_make_it_ready() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    for round in 0..6 {
        let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
        let order_id = order["id"].as_str().unwrap();
        let paid = cafe
            .pay(&cafe.customer, order_id, &format!("race-{round}"), "tok_ok")
            .await;
        assert_eq!(paid.status, 201, "{}", paid.body);
        let ticket = &cafe.ticket_of(order_id).await;
        let ticket_id = ticket["id"].as_str().unwrap();
        let line = |n: usize, step: &str| {
            let line_id = ticket["lines"][n]["id"].as_str().unwrap();
            format!("/v1/kitchen/tickets/{ticket_id}/lines/{line_id}/{step}")
        };
        let (start_0, start_1) = (line(0, "start"), line(1, "start"));
        let (first, second) = futures_util::join!(
            app.post(&start_0, Some(&cafe.cook), json!({})),
            app.post(&start_1, Some(&cafe.cook), json!({}))
        );
        assert_eq!((first.status, second.status), (200, 200));
        let (done_0, done_1) = (line(0, "done"), line(1, "done"));
        let (first, second) = futures_util::join!(
            app.post(&done_0, Some(&cafe.cook), json!({})),
            app.post(&done_1, Some(&cafe.cook), json!({}))
        );
        assert_eq!((first.status, second.status), (200, 200));
        let last = [&first.body, &second.body]
            .into_iter()
            .find(|t| t["status"] == "ready")
            .unwrap_or_else(|| {
                panic!(
                    "round {round}: the last line done leaves the ticket ready: {} {}",
                    first.body, second.body
                )
            });
        // The answer is the ticket as stored, to its time of change.
        let stored = app
            .get(
                &format!("/v1/kitchen/tickets?order_id={order_id}"),
                Some(&cafe.cook),
            )
            .await;
        assert_eq!(&stored.body["data"][0], last);
        cafe.wait_for_status(order_id, "ready").await;
    }
}
