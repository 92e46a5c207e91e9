//! Prep times and honest promises: items take minutes to make, the kitchen's makers share
//! them, what is already in the kitchen comes first, and a busy venue adds its minutes. A
//! quote says all of it before the order is placed; the order keeps its promise and its
//! estimate follows the kitchen.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::Cafe;

const DEFAULT: &str = "/v1/venues/ven_default";

crate::support::in_both_topologies!(
    an_order_is_promised_for_its_make_time_behind_what_the_kitchen_already_has,
    a_quote_is_refused_for_the_reasons_the_order_would_be
);

fn at(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"))
        .parse()
        .unwrap()
}

/// `from` plus `minutes`, on the next whole minute.
fn promised(from: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    let at = from + TimeDelta::minutes(minutes);
    let floor = at.duration_trunc(TimeDelta::minutes(1)).unwrap();
    if floor == at {
        at
    } else {
        floor + TimeDelta::minutes(1)
    }
}

/// Flat whites take 3 minutes (their own), croissants 1 (their category's).
async fn make_times(cafe: &Cafe) {
    let flat_white = cafe
        .app
        .patch(
            &format!("/v1/catalog/items/{}", cafe.flat_white),
            Some(&cafe.staff),
            json!({"make_minutes": 3}),
        )
        .await;
    assert_eq!(flat_white.status, 200, "{}", flat_white.body);
    assert_eq!(flat_white.body["make_minutes"], 3);
    assert_eq!(flat_white.body["effective_make_minutes"], 3);
    let category = flat_white.body["category_id"].as_str().unwrap();
    let coffee = cafe
        .app
        .patch(
            &format!("/v1/catalog/categories/{category}"),
            Some(&cafe.staff),
            json!({"make_minutes": 1}),
        )
        .await;
    assert_eq!(coffee.status, 200, "{}", coffee.body);
    assert_eq!(coffee.body["make_minutes"], 1);
}

async fn quote(cafe: &Cafe, venue: &str, basket: Value) -> crate::support::Response {
    cafe.app
        .post(
            &format!("/v1/venues/{venue}/quote"),
            Some(&cafe.customer),
            basket,
        )
        .await
}

fn one_croissant(cafe: &Cafe) -> Value {
    json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}], "fulfillment": {"type": "pickup"}})
}

#[actix_web::test]
async fn an_item_takes_its_own_make_time_or_its_category_s() {
    let cafe = Cafe::open().await;
    make_times(&cafe).await;
    let croissant = cafe
        .app
        .get(&format!("/v1/catalog/items/{}", cafe.croissant), None)
        .await;
    assert_eq!(croissant.body["make_minutes"], Value::Null);
    assert_eq!(croissant.body["effective_make_minutes"], 1);
    let path = format!("/v1/catalog/items/{}", cafe.flat_white);
    // Back to the category's.
    let reset = cafe
        .app
        .patch(&path, Some(&cafe.staff), json!({"make_minutes": null}))
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.body["make_minutes"], Value::Null);
    assert_eq!(reset.body["effective_make_minutes"], 1);
    let menu = cafe.app.get("/v1/menu", None).await;
    assert!(
        menu.body["categories"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["effective_make_minutes"] == 1),
        "{}",
        menu.body
    );
    let too_long = cafe
        .app
        .patch(&path, Some(&cafe.staff), json!({"make_minutes": 241}))
        .await;
    assert_eq!(too_long.problem(422)["errors"][0]["field"], "make_minutes");
}

async fn an_order_is_promised_for_its_make_time_behind_what_the_kitchen_already_has(cafe: Cafe) {
    make_times(&cafe).await;
    let usual = json!({"lines": [
        {"item_id": cafe.flat_white, "quantity": 2, "options": [cafe.oat]},
        {"item_id": cafe.croissant, "quantity": 1}], "fulfillment": {"type": "pickup"}});

    // An idle kitchen with one pair of hands: 2 × 3 + 1 minutes.
    let before = Utc::now();
    let quoted = quote(&cafe, "ven_default", usual.clone()).await;
    assert_eq!(quoted.status, 200, "{}", quoted.body);
    assert_eq!(
        (
            &quoted.body["prep_minutes"],
            &quoted.body["wait_minutes"],
            &quoted.body["busy_minutes"]
        ),
        (&json!(7), &json!(0), &json!(0))
    );
    let promised_at = at(&quoted.body["promised_at"]);
    assert!(promised(before, 7) <= promised_at && promised_at <= promised(Utc::now(), 7));

    // Placed, it keeps that promise, counted from when it was placed.
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    assert_eq!(order["prep_minutes"], 7);
    assert_eq!(order["total"], quoted.body["total"]);
    let placed_at = at(&order["created_at"]);
    assert_eq!(at(&order["promised_at"]), promised(placed_at, 7));
    assert_eq!(order["eta"], order["promised_at"]);
    let id = order["id"].as_str().unwrap();
    assert_eq!(
        cafe.pay(&cafe.customer, id, "k-usual", "tok_ok")
            .await
            .status,
        201
    );
    cafe.wait_for_status(id, "paid").await;

    // Paid, it is in the kitchen's hands: a croissant now waits for it.
    let croissant = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    assert_eq!(croissant.body["prep_minutes"], 1, "{}", croissant.body);
    assert_eq!(croissant.body["wait_minutes"], 7);

    // Two makers share the work; a busy venue adds its minutes.
    let two = cafe
        .app
        .patch(
            DEFAULT,
            Some(&cafe.staff),
            json!({"scheduling": {"makers": 2}}),
        )
        .await;
    assert_eq!(two.status, 200, "{}", two.body);
    let busy = cafe
        .app
        .put(
            &format!("{DEFAULT}/state"),
            Some(&cafe.staff),
            json!({"mode": "busy", "busy_minutes": 10}),
        )
        .await;
    assert_eq!(busy.status, 200, "{}", busy.body);
    let before = Utc::now();
    let croissant = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    // (7 + 1) / 2 = 4 minutes for both, 1 of them its own.
    assert_eq!(
        (
            &croissant.body["prep_minutes"],
            &croissant.body["wait_minutes"],
            &croissant.body["busy_minutes"]
        ),
        (&json!(1), &json!(3), &json!(10)),
        "{}",
        croissant.body
    );
    let promised_at = at(&croissant.body["promised_at"]);
    assert!(promised(before, 14) <= promised_at && promised_at <= promised(Utc::now(), 14));

    // Done sooner than promised: the estimate says so.
    cafe.cook_everything(id).await;
    let ready = cafe.wait_for_status(id, "ready").await;
    let eta = at(&ready["eta"]);
    assert!(
        placed_at <= eta && eta < at(&ready["promised_at"]),
        "{ready}"
    );
    assert_eq!(ready["promised_at"], order["promised_at"]);
    let idle = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    assert_eq!(idle.body["wait_minutes"], 0, "{}", idle.body);
}

#[actix_web::test]
async fn a_venue_takes_so_many_orders_for_as_soon_as_possible_and_scheduled_ones_still() {
    let cafe = Cafe::open().await;
    let limited = cafe
        .app
        .patch(
            DEFAULT,
            Some(&cafe.staff),
            json!({"scheduling": {"max_asap_in_progress": 1}}),
        )
        .await;
    assert_eq!(limited.status, 200, "{}", limited.body);
    let first = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let first = first["id"].as_str().unwrap();
    assert_eq!(
        cafe.pay(&cafe.customer, first, "k-first", "tok_ok")
            .await
            .status,
        201
    );
    cafe.wait_for_status(first, "paid").await;

    let full = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    assert_eq!(full.problem(409)["code"], "venue_busy", "{}", full.body);
    let refused = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), one_croissant(&cafe))
        .await;
    assert_eq!(refused.problem(409)["code"], "venue_busy");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("order for a later slot"),
        "{}",
        refused.body
    );
    // An order for later is no burden on the kitchen now.
    let mut later = one_croissant(&cafe);
    later["scheduled_for"] = json!(Utc::now() + TimeDelta::hours(3));
    let scheduled = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), later)
        .await;
    assert_eq!(scheduled.status, 201, "{}", scheduled.body);

    // The kitchen catches up.
    cafe.cook_everything(first).await;
    cafe.wait_for_status(first, "ready").await;
    let accepted = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), one_croissant(&cafe))
        .await;
    assert_eq!(accepted.status, 201, "{}", accepted.body);
}

async fn a_quote_is_refused_for_the_reasons_the_order_would_be(cafe: Cafe) {
    let unknown = quote(&cafe, "ven_nowhere", one_croissant(&cafe)).await;
    assert_eq!(unknown.problem(404)["status"], 404);

    let morning = json!([{"opens": "08:00", "closes": "11:00"}]);
    let venue = cafe
        .app
        .post(
            "/v1/venues",
            Some(&cafe.staff),
            json!({"name": "Breakfast bar", "time_zone": "UTC", "currency": "EUR",
                "hours": {"monday": morning, "tuesday": morning, "wednesday": morning,
                    "thursday": morning, "friday": morning, "saturday": morning, "sunday": morning},
                "scheduling": {"pickup_orders_per_slot": 1}}),
        )
        .await;
    assert_eq!(venue.status, 201, "{}", venue.body);
    let venue = venue.body["id"].as_str().unwrap();
    let tomorrow = Utc::now().date_naive() + TimeDelta::days(1);
    let quarter = tomorrow.and_hms_opt(8, 15, 0).unwrap().and_utc();

    // For later: the slot holding the time asked for, promised at its start.
    let mut basket = one_croissant(&cafe);
    basket["scheduled_for"] = json!(quarter + TimeDelta::minutes(5));
    let quoted = quote(&cafe, venue, basket.clone()).await;
    assert_eq!(quoted.status, 200, "{}", quoted.body);
    assert_eq!(quoted.body["scheduled_for"], json!(quarter));
    assert_eq!(quoted.body["promised_at"], json!(quarter));
    assert_eq!(quoted.body["venue_id"], venue);

    // Once an order holds the only place, the quote names the next slot.
    let mut order = basket.clone();
    order["venue_id"] = json!(venue);
    let placed = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), order)
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    assert_eq!(placed.body["promised_at"], json!(quarter));
    let full = quote(&cafe, venue, basket).await;
    assert_eq!(full.problem(409)["code"], "slot_full");
    assert_eq!(
        full.body["available_at"],
        json!(quarter + TimeDelta::minutes(15))
    );

    let paused = cafe
        .app
        .put(
            &format!("/v1/venues/{venue}/state"),
            Some(&cafe.staff),
            json!({"mode": "paused"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    let refused = quote(&cafe, venue, one_croissant(&cafe)).await;
    assert_eq!(refused.problem(409)["code"], "venue_paused");

    let anonymous = cafe
        .app
        .post(
            &format!("/v1/venues/{venue}/quote"),
            None,
            one_croissant(&cafe),
        )
        .await;
    assert_eq!(anonymous.status, 401);
}

#[actix_web::test]
async fn a_scheduled_order_weighs_on_the_kitchen_once_due_within_the_hour() {
    let cafe = Cafe::open().await;
    make_times(&cafe).await;
    // Paid orders wanted at a time: 2 × 3 + 1 minutes each.
    for (key, wanted_in) in [
        ("k-soon", TimeDelta::minutes(30)),
        ("k-later", TimeDelta::hours(3)),
    ] {
        let placed = cafe
            .app
            .post(
                "/v1/orders",
                Some(&cafe.customer),
                json!({"lines": [
                    {"item_id": cafe.flat_white, "quantity": 2},
                    {"item_id": cafe.croissant, "quantity": 1}],
                  "fulfillment": {"type": "pickup"},
                  "scheduled_for": Utc::now() + wanted_in}),
            )
            .await;
        assert_eq!(placed.status, 201, "{}", placed.body);
        assert_eq!(placed.body["prep_minutes"], 7, "{}", placed.body);
        let id = placed.body["id"].as_str().unwrap();
        assert_eq!(
            cafe.pay(&cafe.customer, id, key, "tok_ok").await.status,
            201
        );
        cafe.wait_for_status(id, "paid").await;
    }
    // The one due in half an hour is ahead of a croissant wanted now; the one due in three
    // hours is not.
    let croissant = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    assert_eq!(croissant.status, 200, "{}", croissant.body);
    assert_eq!(croissant.body["wait_minutes"], 7, "{}", croissant.body);
}

/// With make times set, the usual order (2 × 3 + 1 minutes), paid: in the kitchen's hands.
async fn usual_order_in_the_kitchen(cafe: &Cafe, payment_key: &str) -> String {
    make_times(cafe).await;
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap();
    let paid = cafe.pay(&cafe.customer, id, payment_key, "tok_ok").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    cafe.wait_for_status(id, "paid").await;
    id.to_owned()
}

#[actix_web::test]
async fn a_cancelled_order_is_no_longer_ahead_of_anyone() {
    let cafe = Cafe::open().await;
    let id = &usual_order_in_the_kitchen(&cafe, "k-cancelled").await;
    let behind = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    assert_eq!(behind.body["wait_minutes"], 7, "{}", behind.body);

    let cancelled = cafe.cancel(&cafe.customer, id).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let idle = quote(&cafe, "ven_default", one_croissant(&cafe)).await;
    assert_eq!(idle.body["wait_minutes"], 0, "{}", idle.body);
}

#[actix_web::test]
async fn orders_in_hand_before_an_upgrade_are_ahead_of_those_quoted_after_it() {
    let cafe = Cafe::open().await;
    usual_order_in_the_kitchen(&cafe, "k-upgrade").await;
    // The database as a release before the kitchen's running load left it.
    cafe.app
        .sql_execute("DROP TABLE ordering_kitchen_load")
        .await;
    cafe.app
        .sql_execute("DELETE FROM __diesel_schema_migrations WHERE version = '20261205000054'")
        .await;

    // The upgraded process counts what the kitchen already has.
    let upgraded = cafe.app.spawn_beside(&[]).await;
    let behind = upgraded
        .post(
            "/v1/venues/ven_default/quote",
            Some(&cafe.customer),
            one_croissant(&cafe),
        )
        .await;
    assert_eq!(behind.status, 200, "{}", behind.body);
    assert_eq!(behind.body["wait_minutes"], 7, "{}", behind.body);
}
