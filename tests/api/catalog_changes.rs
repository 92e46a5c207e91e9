//! A change to the catalog prices the next basket at once, on every replica, even though each
//! one keeps the items it priced: two Brigades on one database, each pricing from what it
//! kept until the other one changes the menu.

use serde_json::{Value, json};

use crate::support::{Cafe, TestApp};

/// The café, and a second Brigade on its database.
async fn two_replicas() -> (Cafe, TestApp) {
    let cafe = Cafe::open().await;
    let other = cafe.app.spawn_beside(&[]).await;
    (cafe, other)
}

fn flat_white(cafe: &Cafe, options: &[&str]) -> Value {
    json!({"lines": [{"item_id": cafe.flat_white, "quantity": 1, "options": options}],
        "fulfillment": {"type": "pickup"}})
}

async fn order(app: &TestApp, cafe: &Cafe, basket: Value) -> crate::support::Response {
    app.post("/v1/orders", Some(&cafe.customer), basket).await
}

/// Places `basket` on `app` and says the unit price of its one line.
async fn unit_price(app: &TestApp, cafe: &Cafe, basket: Value) -> i64 {
    let placed = order(app, cafe, basket).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    placed.body["lines"][0]["unit_price"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_price_changed_on_one_replica_prices_the_next_order_on_the_other() {
    let (cafe, other) = two_replicas().await;
    // Both replicas have priced the flat white, and keep it.
    assert_eq!(
        unit_price(&cafe.app, &cafe, flat_white(&cafe, &[])).await,
        380
    );
    assert_eq!(unit_price(&other, &cafe, flat_white(&cafe, &[])).await, 380);

    let changed = cafe
        .app
        .patch(
            &format!("/v1/catalog/items/{}", cafe.flat_white),
            Some(&cafe.staff),
            json!({"price": 410}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(unit_price(&other, &cafe, flat_white(&cafe, &[])).await, 410);
    assert_eq!(
        unit_price(&cafe.app, &cafe, flat_white(&cafe, &[])).await,
        410
    );
    assert_eq!(
        unit_price(&other, &cafe, flat_white(&cafe, &[&cafe.oat])).await,
        450
    );
}

#[actix_web::test]
async fn a_sell_out_on_one_replica_is_refused_on_the_other_until_it_ends_there_too() {
    let (cafe, other) = two_replicas().await;
    let with_oat = flat_white(&cafe, &[&cafe.oat]);
    assert_eq!(order(&other, &cafe, with_oat.clone()).await.status, 201);

    let oat = format!("/v1/catalog/options/{}/sold-out", cafe.oat);
    let sold_out = cafe.app.put(&oat, Some(&cafe.staff), json!({})).await;
    assert_eq!(sold_out.status, 200, "{}", sold_out.body);
    let refused = order(&other, &cafe, with_oat.clone()).await;
    assert_eq!(refused.problem(409)["code"], "option_sold_out");

    let item = format!("/v1/catalog/items/{}/sold-out", cafe.flat_white);
    let sold_out = other.put(&item, Some(&cafe.staff), json!({})).await;
    assert_eq!(sold_out.status, 200, "{}", sold_out.body);
    let refused = order(&cafe.app, &cafe, flat_white(&cafe, &[])).await;
    assert_eq!(refused.problem(409)["code"], "item_sold_out");

    assert_eq!(other.delete(&item, Some(&cafe.staff)).await.status, 200);
    assert_eq!(cafe.app.delete(&oat, Some(&cafe.staff)).await.status, 200);
    assert_eq!(order(&other, &cafe, with_oat.clone()).await.status, 201);
    assert_eq!(order(&cafe.app, &cafe, with_oat).await.status, 201);
}

#[actix_web::test]
async fn counted_portions_taken_on_one_replica_are_gone_on_the_other() {
    let (cafe, other) = two_replicas().await;
    let croissant = format!("/v1/catalog/items/{}", cafe.croissant);
    let counted = cafe
        .app
        .put(
            &format!("{croissant}/stock"),
            Some(&cafe.staff),
            json!({"quantity": 1}),
        )
        .await;
    assert_eq!(counted.status, 200, "{}", counted.body);
    let one = json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}],
        "fulfillment": {"type": "pickup"}});
    // The other replica prices it (and keeps it) with one portion left...
    let placed = order(&other, &cafe, one.clone()).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let id = placed.body["id"].as_str().unwrap();
    // ...the portion goes once the order is paid...
    let paid = cafe
        .pay(&cafe.customer, id, "pay-the-last-one", "tok_ok")
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    cafe.app
        .eventually(&croissant, None, |item| item["stock"] == 0)
        .await;
    // ...and the other replica refuses the next croissant at once.
    let refused = order(&other, &cafe, one).await;
    assert_eq!(refused.problem(409)["code"], "item_sold_out");
}
