//! Serving hours: categories and items are served at set times on each venue's own clock
//! (breakfast until 11:00). A venue's menu shows what it serves at a time, and an order is
//! checked against the hours in force when it is wanted, not when it is placed.

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use serde_json::{Value, json};

use crate::support::Cafe;

/// `opens`–`closes` every day.
fn every_day(opens: &str, closes: &str) -> Value {
    let period = json!([{"opens": opens, "closes": closes}]);
    json!({"monday": period, "tuesday": period, "wednesday": period, "thursday": period,
        "friday": period, "saturday": period, "sunday": period})
}

fn hh_mm(t: DateTime<Utc>) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A "Breakfast" category served `schedule`, with porridge in it; the porridge's id.
async fn porridge(cafe: &Cafe, schedule: Value) -> String {
    let category = cafe
        .app
        .post(
            "/v1/catalog/categories",
            Some(&cafe.staff),
            json!({"name": "Breakfast", "schedule": schedule}),
        )
        .await;
    assert_eq!(category.status, 201, "{}", category.body);
    assert_eq!(category.body["schedule"], schedule);
    let item = cafe
        .app
        .post(
            "/v1/catalog/items",
            Some(&cafe.staff),
            json!({"category_id": category.body["id"], "name": "Porridge", "price": 450,
                "currency": "EUR", "station": "kitchen"}),
        )
        .await;
    assert_eq!(item.status, 201, "{}", item.body);
    item.body["id"].as_str().unwrap().to_owned()
}

fn names(menu: &Value) -> Vec<String> {
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

fn porridge_order(id: &str, extra: Value) -> Value {
    let mut body = json!({"lines": [{"item_id": id, "quantity": 1}],
        "fulfillment": {"type": "pickup"}});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

#[actix_web::test]
async fn an_item_is_served_in_its_hours_and_can_be_ordered_for_them() {
    let cafe = Cafe::open().await;
    // Served from two hours from now for an hour, every day (the default venue keeps UTC).
    let opens = (Utc::now() + TimeDelta::hours(2))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let id = porridge(
        &cafe,
        every_day(&hh_mm(opens), &hh_mm(opens + TimeDelta::hours(1))),
    )
    .await;

    // Not on the menu now; on the venue's menu at breakfast time.
    assert!(!names(&cafe.app.get("/v1/menu", None).await.body).contains(&"Porridge".into()));
    let at = (opens + TimeDelta::minutes(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let later = cafe
        .app
        .get(&format!("/v1/venues/ven_default/menu?at={at}"), None)
        .await;
    assert_eq!(later.status, 200, "{}", later.body);
    assert!(
        names(&later.body).contains(&"Porridge".into()),
        "{}",
        later.body
    );

    // Ordered now: refused, naming the line and when it is served.
    let now = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            porridge_order(&id, json!({})),
        )
        .await;
    let problem = now.problem(409);
    assert_eq!(problem["code"], "item_unavailable_at_time");
    assert_eq!(problem["errors"][0]["field"], "lines[0].item_id");
    assert_eq!(problem["available_at"], json!(opens));
    let quoted = cafe
        .app
        .post(
            "/v1/venues/ven_default/quote",
            Some(&cafe.customer),
            porridge_order(&id, json!({})),
        )
        .await;
    assert_eq!(quoted.problem(409)["code"], "item_unavailable_at_time");

    // Ordered for breakfast time: welcome.
    let scheduled = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            porridge_order(
                &id,
                json!({"scheduled_for": opens + TimeDelta::minutes(30)}),
            ),
        )
        .await;
    assert_eq!(scheduled.status, 201, "{}", scheduled.body);

    // The item's own hours win over its category's; `null` follows the category again.
    let path = format!("/v1/catalog/items/{id}");
    let all_day = cafe
        .app
        .patch(
            &path,
            Some(&cafe.staff),
            json!({"schedule": every_day("00:00", "24:00")}),
        )
        .await;
    assert_eq!(all_day.status, 200, "{}", all_day.body);
    let ordered = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            porridge_order(&id, json!({})),
        )
        .await;
    assert_eq!(ordered.status, 201, "{}", ordered.body);
    let back = cafe
        .app
        .patch(&path, Some(&cafe.staff), json!({"schedule": null}))
        .await;
    assert_eq!(back.body["schedule"], Value::Null);
    let refused = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            porridge_order(&id, json!({})),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
}

#[actix_web::test]
async fn each_venue_serves_on_its_own_clock() {
    let cafe = Cafe::open().await;
    porridge(&cafe, every_day("07:00", "11:00")).await;
    let tokyo = cafe
        .app
        .post(
            "/v1/venues",
            Some(&cafe.staff),
            json!({"name": "Tokyo", "time_zone": "Asia/Tokyo", "currency": "EUR"}),
        )
        .await;
    assert_eq!(tokyo.status, 201, "{}", tokyo.body);
    let menu_at = |venue: String, at: &'static str| {
        let app = &cafe.app;
        async move {
            let res = app
                .get(&format!("/v1/venues/{venue}/menu?at={at}"), None)
                .await;
            assert_eq!(res.status, 200, "{}", res.body);
            names(&res.body)
        }
    };
    let tokyo = tokyo.body["id"].as_str().unwrap().to_owned();
    // 23:30 UTC is 08:30 in Tokyo, breakfast time there and not in UTC.
    let porridge = "Porridge".to_owned();
    assert!(
        menu_at(tokyo.clone(), "2030-01-07T23:30:00Z")
            .await
            .contains(&porridge)
    );
    assert!(
        !menu_at("ven_default".into(), "2030-01-07T23:30:00Z")
            .await
            .contains(&porridge)
    );
    // 03:00 UTC is noon in Tokyo: breakfast is over.
    assert!(
        !menu_at(tokyo.clone(), "2030-01-08T03:00:00Z")
            .await
            .contains(&porridge)
    );
    assert!(
        menu_at("ven_default".into(), "2030-01-08T08:00:00Z")
            .await
            .contains(&porridge)
    );

    let nowhere = cafe.app.get("/v1/venues/ven_nowhere/menu", None).await;
    assert_eq!(nowhere.status, 404, "{}", nowhere.body);
    let bad = cafe
        .app
        .post(
            "/v1/catalog/categories",
            Some(&cafe.staff),
            json!({"name": "Lunch", "schedule": every_day("noon", "14:00")}),
        )
        .await;
    assert_eq!(
        bad.problem(422)["errors"][0]["field"],
        "schedule.monday[0].opens"
    );
}
