//! Venue menus: an item is offered at every venue unless staff name the venues offering it,
//! and a venue may charge its own price. A venue's menu, its quotes and its orders all follow
//! what it offers and at what price.

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::Cafe;

crate::support::in_both_topologies!(
    a_venue_serves_what_it_offers_at_its_own_prices,
    what_a_venue_offers_is_checked,
    happy_hour_prices_hold_on_each_venue_s_clock,
    an_item_sold_out_at_one_venue_still_sells_at_the_others
);

async fn patch_item(cafe: &Cafe, item: &str, patch: Value) -> crate::support::Response {
    cafe.app
        .patch(
            &format!("/v1/catalog/items/{item}"),
            Some(&cafe.staff),
            patch,
        )
        .await
}

/// Each item on venue `venue`'s menu now, by name, with its price.
async fn menu(cafe: &Cafe, venue: &str) -> Vec<(String, i64)> {
    menu_at(cafe, venue, "").await
}

/// Each item on venue `venue`'s menu (`?at=` when `at` is given), by name, with its price.
async fn menu_at(cafe: &Cafe, venue: &str, at: &str) -> Vec<(String, i64)> {
    let query = if at.is_empty() {
        String::new()
    } else {
        format!("?at={at}")
    };
    let menu = cafe
        .app
        .get(&format!("/v1/venues/{venue}/menu{query}"), None)
        .await;
    assert_eq!(menu.status, 200, "{}", menu.body);
    menu.body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_owned(),
                i["price"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn order_at(venue: &str, lines: Value) -> Value {
    json!({"venue_id": venue, "lines": lines, "fulfillment": {"type": "pickup"}})
}

async fn a_venue_serves_what_it_offers_at_its_own_prices(cafe: Cafe) {
    let kiosk = cafe.kiosk().await;
    // Croissants are baked at the café only; the kiosk charges more for a flat white.
    let croissant = patch_item(
        &cafe,
        &cafe.croissant,
        json!({"venue_ids": ["ven_default"]}),
    )
    .await;
    assert_eq!(croissant.status, 200, "{}", croissant.body);
    assert_eq!(croissant.body["venue_ids"], json!(["ven_default"]));
    let flat_white = patch_item(
        &cafe,
        &cafe.flat_white,
        json!({"venue_prices": {kiosk.clone(): 420}}),
    )
    .await;
    assert_eq!(flat_white.status, 200, "{}", flat_white.body);
    assert_eq!(flat_white.body["price"], 380, "its own price");
    assert_eq!(flat_white.body["venue_prices"], json!({kiosk.clone(): 420}));
    assert_eq!(flat_white.body["venue_ids"], Value::Null);

    assert_eq!(menu(&cafe, &kiosk).await, [("Flat white".to_owned(), 420)]);
    assert_eq!(
        menu(&cafe, "ven_default").await,
        [
            ("Croissant".to_owned(), 250),
            ("Flat white".to_owned(), 380)
        ]
    );

    // The kiosk's order is priced at the kiosk's price, options on top.
    let lines = json!([{"item_id": cafe.flat_white, "quantity": 2, "options": [cafe.oat]}]);
    let quote = cafe
        .app
        .post(
            &format!("/v1/venues/{kiosk}/quote"),
            Some(&cafe.customer),
            json!({"lines": lines, "fulfillment": {"type": "pickup"}}),
        )
        .await;
    assert_eq!(quote.status, 200, "{}", quote.body);
    assert_eq!(quote.body["subtotal"], 920);
    let placed = cafe
        .app
        .post("/v1/orders", Some(&cafe.customer), order_at(&kiosk, lines))
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    assert_eq!(placed.body["lines"][0]["unit_price"], 460);

    // A croissant at the kiosk is refused, naming the line.
    let refused = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            order_at(
                &kiosk,
                json!([{"item_id": cafe.flat_white, "quantity": 1},
                    {"item_id": cafe.croissant, "quantity": 1}]),
            ),
        )
        .await;
    let problem = refused.problem(409);
    assert_eq!(problem["code"], "item_not_at_venue");
    assert_eq!(problem["errors"][0]["field"], "lines[1].item_id");

    // Offered everywhere again.
    let everywhere = patch_item(&cafe, &cafe.croissant, json!({"venue_ids": null})).await;
    assert_eq!(everywhere.body["venue_ids"], Value::Null);
    assert_eq!(menu(&cafe, &kiosk).await.len(), 2);
}

async fn what_a_venue_offers_is_checked(cafe: Cafe) {
    let unknown = patch_item(
        &cafe,
        &cafe.croissant,
        json!({"venue_ids": ["ven_nowhere"]}),
    )
    .await;
    let problem = unknown.problem(422);
    assert_eq!(problem["errors"][0]["field"], "venue_ids");
    assert_eq!(problem["errors"][0]["code"], "unknown_venue");
    let negative = patch_item(
        &cafe,
        &cafe.croissant,
        json!({"venue_prices": {"ven_default": -1}}),
    )
    .await;
    assert_eq!(
        negative.problem(422)["errors"][0]["field"],
        "venue_prices.ven_default"
    );
    // Nothing changed.
    let item = cafe
        .app
        .get(&format!("/v1/catalog/items/{}", cafe.croissant), None)
        .await;
    assert_eq!(
        (&item.body["venue_ids"], &item.body["venue_prices"]),
        (&Value::Null, &json!({}))
    );

    // Created for one venue only.
    let category = item.body["category_id"].clone();
    let created = cafe
        .app
        .post(
            "/v1/catalog/items",
            Some(&cafe.staff),
            json!({"category_id": category, "name": "Pain au chocolat", "price": 270,
                "currency": "EUR", "station": "pastry", "venue_ids": ["ven_default"],
                "venue_prices": {"ven_default": 260}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["venue_prices"], json!({"ven_default": 260}));
    assert!(
        menu(&cafe, "ven_default")
            .await
            .contains(&("Pain au chocolat".to_owned(), 260))
    );
}

async fn happy_hour_prices_hold_on_each_venue_s_clock(cafe: Cafe) {
    let kiosk = cafe.kiosk().await;
    let friday_evening = json!({"monday": [], "tuesday": [], "wednesday": [], "thursday": [],
        "friday": [{"opens": "17:00", "closes": "19:00"}], "saturday": [], "sunday": []});
    let set = patch_item(
        &cafe,
        &cafe.flat_white,
        json!({"venue_prices": {kiosk.clone(): 420},
            "timed_prices": [{"hours": friday_evening, "price": 300}]}),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["timed_prices"][0]["price"], 300);
    assert_eq!(set.body["price"], 380);

    // Friday 4 January 2030: 17:30 in Paris is 16:30 UTC. The kiosk keeps Paris time, the
    // café UTC (where it is still 16:30, before happy hour).
    let flat_white = |menu: Vec<(String, i64)>| {
        menu.into_iter()
            .find(|(name, _)| name == "Flat white")
            .map(|(_, price)| price)
    };
    let at = "2030-01-04T16:30:00Z";
    assert_eq!(flat_white(menu_at(&cafe, &kiosk, at).await), Some(300));
    assert_eq!(
        flat_white(menu_at(&cafe, "ven_default", at).await),
        Some(380)
    );
    // 17:30 UTC: happy hour at the café too; at the kiosk (18:30) still.
    let later = "2030-01-04T17:30:00Z";
    assert_eq!(
        flat_white(menu_at(&cafe, "ven_default", later).await),
        Some(300)
    );
    // 19:30 in Paris: over, the kiosk's own price again.
    let after = "2030-01-04T18:30:00Z";
    assert_eq!(flat_white(menu_at(&cafe, &kiosk, after).await), Some(420));

    let bad = patch_item(
        &cafe,
        &cafe.flat_white,
        json!({"timed_prices": [{"hours": {"friday": [{"opens": "5pm", "closes": "19:00"}]},
            "price": 300}]}),
    )
    .await;
    assert_eq!(
        bad.problem(422)["errors"][0]["field"],
        "timed_prices[0].hours.friday[0].opens"
    );
}

async fn an_item_sold_out_at_one_venue_still_sells_at_the_others(cafe: Cafe) {
    let kiosk = cafe.kiosk().await;
    let path = format!("/v1/catalog/items/{}/sold-out", cafe.croissant);
    let back_at = Utc::now() + TimeDelta::seconds(2);
    let sold_out = cafe
        .app
        .put(
            &path,
            Some(&cafe.staff),
            json!({"venue_id": kiosk, "until": back_at}),
        )
        .await;
    assert_eq!(sold_out.status, 200, "{}", sold_out.body);
    // Everywhere else it sells: the item itself is available, sold out at the kiosk only.
    assert_eq!(sold_out.body["available"], true);
    assert!(sold_out.body["sold_out_at_venues"][&kiosk].is_string());
    assert_eq!(menu(&cafe, &kiosk).await, [("Flat white".to_owned(), 380)]);
    assert_eq!(menu(&cafe, "ven_default").await.len(), 2);

    let croissant = json!([{"item_id": cafe.croissant, "quantity": 1}]);
    let refused = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            order_at(&kiosk, croissant.clone()),
        )
        .await;
    assert_eq!(refused.problem(409)["code"], "item_sold_out");
    let at_cafe = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            order_at("ven_default", croissant.clone()),
        )
        .await;
    assert_eq!(at_cafe.status, 201, "{}", at_cafe.body);

    // Back at the kiosk by itself.
    let item = format!("/v1/catalog/items/{}", cafe.croissant);
    cafe.app
        .eventually(&item, None, |i| i["sold_out_at_venues"] == json!({}))
        .await;
    let placed = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            order_at(&kiosk, croissant),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);

    // Until the kiosk's next day by default; staff bring it back there at once.
    let again = cafe
        .app
        .put(&path, Some(&cafe.staff), json!({"venue_id": kiosk}))
        .await;
    assert!(again.body["sold_out_at_venues"][&kiosk].is_string());
    let back = cafe
        .app
        .delete(&format!("{path}?venue_id={kiosk}"), Some(&cafe.staff))
        .await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(back.body["sold_out_at_venues"], json!({}));
}
