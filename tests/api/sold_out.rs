//! Sold out, with auto-restore: staff sell an item or an option out until a time (the venue's
//! next day by default) or count its portions down; it comes back by itself, and ordering
//! refuses what is sold out, naming the line.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::Cafe;

fn item_path(id: &str) -> String {
    format!("/v1/catalog/items/{id}")
}

/// The default venue is open around the clock in UTC: its next day starts at midnight.
fn next_midnight() -> DateTime<Utc> {
    (Utc::now().date_naive() + TimeDelta::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

fn croissants(cafe: &Cafe, quantity: u32) -> Value {
    json!({"lines": [{"item_id": cafe.croissant, "quantity": quantity}],
        "fulfillment": {"type": "pickup"}})
}

async fn place_and_pay(cafe: &Cafe, body: Value, key: &str) -> String {
    let placed = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), body)
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let id = placed.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        cafe.pay(&cafe.customer, &id, key, "tok_ok").await.status,
        201
    );
    id
}

#[actix_web::test]
async fn a_sold_out_item_comes_back_by_itself_and_can_be_ordered_for_after() {
    let cafe = Cafe::open().await;
    let path = item_path(&cafe.croissant);
    let back_at = Utc::now() + TimeDelta::seconds(2);
    let sold_out = cafe
        .app
        .put(
            &format!("{path}/sold-out"),
            Some(&cafe.staff),
            json!({"until": back_at}),
        )
        .await;
    assert_eq!(sold_out.status, 200, "{}", sold_out.body);
    assert_eq!(sold_out.body["available"], false);
    let until: DateTime<Utc> = sold_out.body["sold_out_until"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (until - back_at).num_milliseconds().abs() < 1,
        "{until} vs {back_at}"
    );

    // Off the menu, refused now with the line named, welcome for later.
    let menu = cafe.app.get("/v1/menu", None).await;
    assert!(
        !menu.raw.windows(9).any(|w| w == b"Croissant"),
        "{}",
        menu.body
    );
    let refused = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), croissants(&cafe, 1))
        .await;
    let problem = refused.problem(409);
    assert_eq!(problem["code"], "item_sold_out");
    assert_eq!(problem["errors"][0]["field"], "lines[0].item_id");
    assert_eq!(problem["available_at"], sold_out.body["sold_out_until"]);
    let mut later = croissants(&cafe, 1);
    later["scheduled_for"] = json!(Utc::now() + TimeDelta::hours(2));
    let scheduled = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), later)
        .await;
    assert_eq!(scheduled.status, 201, "{}", scheduled.body);

    // Back by itself at its time (orderable from that instant, written back a moment later).
    let back = cafe
        .app
        .eventually(&path, None, |item| item["sold_out_until"].is_null())
        .await;
    assert_eq!(back["available"], true);
    assert!(Utc::now() >= back_at);
    let ordered = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), croissants(&cafe, 1))
        .await;
    assert_eq!(ordered.status, 201, "{}", ordered.body);
}

#[actix_web::test]
async fn portions_count_down_with_paid_orders_and_the_last_sells_out_until_the_next_day() {
    let cafe = Cafe::open().await;
    let path = item_path(&cafe.croissant);
    let counted = cafe
        .app
        .put(
            &format!("{path}/stock"),
            Some(&cafe.staff),
            json!({"quantity": 2}),
        )
        .await;
    assert_eq!(counted.status, 200, "{}", counted.body);
    assert_eq!(counted.body["stock"], 2);
    assert_eq!(counted.body["available"], true);

    let greedy = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), croissants(&cafe, 3))
        .await;
    let problem = greedy.problem(409);
    assert_eq!(problem["code"], "not_enough_left");
    assert_eq!(problem["errors"][0]["field"], "lines[0].quantity");

    place_and_pay(&cafe, croissants(&cafe, 1), "k-one").await;
    cafe.app
        .eventually(&path, None, |item| item["stock"] == 1)
        .await;
    place_and_pay(&cafe, croissants(&cafe, 1), "k-two").await;
    let gone = cafe
        .app
        .eventually(&path, None, |item| item["stock"] == 0)
        .await;
    assert_eq!(gone["available"], false);
    assert_eq!(gone["sold_out_until"], json!(next_midnight()));
    let refused = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), croissants(&cafe, 1))
        .await;
    assert_eq!(refused.problem(409)["code"], "item_sold_out");
    assert_eq!(refused.body["available_at"], json!(next_midnight()));

    // Fresh from the oven: back now, no longer counted.
    let back = cafe
        .app
        .delete(&format!("{path}/sold-out"), Some(&cafe.staff))
        .await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(
        (
            &back.body["available"],
            &back.body["stock"],
            &back.body["sold_out_until"]
        ),
        (&json!(true), &Value::Null, &Value::Null)
    );
}

#[actix_web::test]
async fn a_sold_out_option_is_refused_by_name_and_the_rest_of_the_item_still_sells() {
    let cafe = Cafe::open().await;
    let sold_out = cafe
        .app
        .put(
            &format!("/v1/catalog/options/{}/sold-out", cafe.oat),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(sold_out.status, 200, "{}", sold_out.body);
    assert_eq!(sold_out.body["id"], cafe.flat_white);
    assert_eq!(sold_out.body["available"], true);
    let oat = &sold_out.body["option_groups"][0]["options"][1];
    assert_eq!(oat["available"], false);
    assert_eq!(oat["sold_out_until"], json!(next_midnight()));

    let with_oat = json!({"lines": [{"item_id": cafe.flat_white, "quantity": 1,
        "options": [cafe.oat]}], "fulfillment": {"type": "pickup"}});
    let refused = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), with_oat.clone())
        .await;
    let problem = refused.problem(409);
    assert_eq!(problem["code"], "option_sold_out");
    assert_eq!(problem["errors"][0]["field"], "lines[0].options[0]");
    let plain = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            json!({"lines": [{"item_id": cafe.flat_white, "quantity": 1}],
                "fulfillment": {"type": "pickup"}}),
        )
        .await;
    assert_eq!(plain.status, 201, "{}", plain.body);

    let back = cafe
        .app
        .delete(
            &format!("/v1/catalog/options/{}/sold-out", cafe.oat),
            Some(&cafe.staff),
        )
        .await;
    assert_eq!(
        back.body["option_groups"][0]["options"][1]["available"],
        true
    );
    let ordered = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), with_oat)
        .await;
    assert_eq!(ordered.status, 201, "{}", ordered.body);
}

#[actix_web::test]
async fn selling_out_is_for_staff_about_things_that_exist() {
    let cafe = Cafe::open().await;
    let path = item_path(&cafe.croissant);
    // Sold out until a time already passed: it is back.
    let past = cafe
        .app
        .put(
            &format!("{path}/sold-out"),
            Some(&cafe.staff),
            json!({"until": Utc::now() - TimeDelta::minutes(1)}),
        )
        .await;
    assert_eq!(past.status, 200, "{}", past.body);
    assert_eq!(past.body["available"], true);
    assert_eq!(past.body["sold_out_until"], Value::Null);
    let nowhere = cafe
        .app
        .put(
            &format!("{path}/sold-out"),
            Some(&cafe.staff),
            json!({"venue_id": "ven_nowhere"}),
        )
        .await;
    assert_eq!(nowhere.problem(404)["status"], 404);
    let customer = cafe
        .app
        .put(&format!("{path}/sold-out"), Some(&cafe.customer), json!({}))
        .await;
    assert_eq!(customer.status, 403, "{}", customer.body);
    let missing = cafe
        .app
        .put(
            "/v1/catalog/items/itm_nothing/sold-out",
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(missing.problem(404)["status"], 404);
    let no_option = cafe
        .app
        .put(
            "/v1/catalog/options/opt_nothing/sold-out",
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(no_option.problem(404)["status"], 404);
    let negative = cafe
        .app
        .put(
            &format!("{path}/stock"),
            Some(&cafe.staff),
            json!({"quantity": -1}),
        )
        .await;
    assert_eq!(negative.status, 422, "{}", negative.body);
}
