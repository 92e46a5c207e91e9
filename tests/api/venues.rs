//! Venues: hours in their own time zone, closed days, busy and paused — and orders refused
//! with a reason and the next opening when the venue cannot take them.

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use serde_json::{Value, json};

use crate::support::Cafe;

const DEFAULT: &str = "/v1/venues/ven_default";

/// The same period every day, in UTC, `from` to `until` hours from now (to the minute).
fn daily_from_now(from: i64, until: i64) -> (Value, DateTime<Utc>) {
    let now = Utc::now();
    let hh_mm = |t: DateTime<Utc>| format!("{:02}:{:02}", t.hour(), t.minute());
    let opens = now + TimeDelta::hours(from);
    let period = json!([{"opens": hh_mm(opens), "closes": hh_mm(now + TimeDelta::hours(until))}]);
    let week = json!({"monday": period, "tuesday": period, "wednesday": period,
        "thursday": period, "friday": period, "saturday": period, "sunday": period});
    let opens_at = opens.with_second(0).unwrap().with_nanosecond(0).unwrap();
    (week, opens_at)
}

async fn order(cafe: &Cafe, extra: Value) -> crate::support::Response {
    let mut body = json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}],
        "fulfillment": {"type": "pickup"}});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    cafe.app
        .post("/v1/orders", Some(&cafe.customer), body)
        .await
}

#[actix_web::test]
async fn the_default_venue_takes_orders_around_the_clock_until_staff_give_it_hours() {
    let cafe = Cafe::open().await;
    let venue = cafe.app.get(DEFAULT, None).await;
    assert_eq!(venue.status, 200, "{}", venue.body);
    assert_eq!(venue.body["hours"], Value::Null);
    assert_eq!(venue.body["state"]["mode"], "open");
    let placed = order(&cafe, json!({})).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    assert_eq!(placed.body["venue_id"], "ven_default");

    // Opening in two hours, every day: closed now.
    let (hours, opens_at) = daily_from_now(2, 3);
    let changed = cafe
        .app
        .patch(
            DEFAULT,
            Some(&cafe.staff),
            json!({"time_zone": "UTC", "hours": hours}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["version"], 2);
    let opening = cafe.app.get(&format!("{DEFAULT}/opening"), None).await;
    assert_eq!(opening.body["open"], false, "{}", opening.body);
    assert_eq!(opening.body["opens_at"], json!(opens_at));

    let refused = order(&cafe, json!({})).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.body["code"], "venue_closed");
    assert_eq!(refused.body["available_at"], json!(opens_at));
    assert!(
        refused
            .headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );

    // At its opening it is open, for an hour.
    let later = cafe
        .app
        .get(
            &format!(
                "{DEFAULT}/opening?at={}",
                opens_at.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            None,
        )
        .await;
    assert_eq!(later.body["open"], true, "{}", later.body);
    assert_eq!(
        later.body["closes_at"],
        json!(opens_at + TimeDelta::hours(1))
    );

    // Open around the clock again.
    let reset = cafe
        .app
        .patch(DEFAULT, Some(&cafe.staff), json!({"hours": null}))
        .await;
    assert_eq!(reset.body["hours"], Value::Null);
    assert_eq!(order(&cafe, json!({})).await.status, 201);
}

#[actix_web::test]
async fn a_closed_day_closes_the_venue_whatever_its_weekly_hours() {
    let cafe = Cafe::open().await;
    let today = Utc::now().date_naive();
    let changed = cafe
        .app
        .patch(
            DEFAULT,
            Some(&cafe.staff),
            json!({"exceptions": [{"date": today, "periods": [], "note": "Inventory"}]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let refused = order(&cafe, json!({})).await;
    assert_eq!(refused.body["code"], "venue_closed", "{}", refused.body);
    // Open around the clock otherwise: it opens at midnight UTC.
    let midnight = (today + TimeDelta::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(refused.body["available_at"], json!(midnight));
}

#[actix_web::test]
async fn staff_make_a_venue_busy_or_pause_it_and_orders_follow() {
    let cafe = Cafe::open().await;
    let state = |body: Value| {
        let app = &cafe.app;
        let staff = cafe.staff.clone();
        async move {
            app.put(&format!("{DEFAULT}/state"), Some(&staff), body)
                .await
        }
    };
    let paused = state(json!({"mode": "paused"})).await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    assert_eq!(paused.body["state"]["mode"], "paused");
    let refused = order(&cafe, json!({})).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("venue_paused"))
    );

    state(json!({"mode": "busy", "busy_minutes": 20, "refuse_asap": true})).await;
    let refused = order(&cafe, json!({})).await;
    assert_eq!(refused.body["code"], "venue_busy", "{}", refused.body);

    // Busy but still taking orders: they come in.
    state(json!({"mode": "busy", "busy_minutes": 20})).await;
    assert_eq!(order(&cafe, json!({})).await.status, 201);
    state(json!({"mode": "open"})).await;
    assert_eq!(order(&cafe, json!({})).await.status, 201);

    // Only staff set it; customers are told no, in the service whoever calls.
    let customer = cafe
        .app
        .put(
            &format!("{DEFAULT}/state"),
            Some(&cafe.customer),
            json!({"mode": "paused"}),
        )
        .await;
    assert_eq!(customer.status, 403, "{}", customer.body);
}

#[actix_web::test]
async fn venues_are_created_by_staff_and_their_hours_checked_field_by_field() {
    let cafe = Cafe::open().await;
    let created = cafe
        .app
        .post(
            "/v1/venues",
            Some(&cafe.staff),
            json!({"name": "Croix-Rousse", "time_zone": "Europe/Paris", "currency": "EUR",
                "hours": {"friday": [{"opens": "18:00", "closes": "02:00"}]}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    assert!(id.starts_with("ven_"));
    assert_eq!(
        created.headers.get("location").unwrap().to_str().unwrap(),
        format!("/v1/venues/{id}")
    );
    let listed = cafe.app.get("/v1/venues", None).await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        2,
        "{}",
        listed.body
    );
    // Friday 2026-06-12, 23:30 in Paris: still Friday night's period.
    let friday_night = cafe
        .app
        .get(
            &format!("/v1/venues/{id}/opening?at=2026-06-12T21:30:00Z"),
            None,
        )
        .await;
    assert_eq!(friday_night.body["open"], true, "{}", friday_night.body);
    assert_eq!(friday_night.body["closes_at"], "2026-06-13T00:00:00Z");
    // Orders name their venue.
    let elsewhere = order(&cafe, json!({"venue_id": "ven_nowhere"})).await;
    assert_eq!(elsewhere.status, 422, "{}", elsewhere.body);
    assert_eq!(elsewhere.body["errors"][0]["field"], "venue_id");

    let invalid = cafe
        .app
        .post(
            "/v1/venues",
            Some(&cafe.staff),
            json!({"name": "Nowhere", "time_zone": "Mars/Olympus", "currency": "EUR",
                "hours": {"monday": [{"opens": "25:00", "closes": "18:00"}]},
                "exceptions": [{"date": "2026-12-25"}, {"date": "2026-12-25"}]}),
        )
        .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    let fields: Vec<&str> = invalid.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["time_zone", "hours.monday[0]", "exceptions[1].date"]
    );
    let customer = cafe
        .app
        .post(
            "/v1/venues",
            Some(&cafe.customer),
            json!({"name": "Mine", "time_zone": "UTC", "currency": "EUR"}),
        )
        .await;
    assert_eq!(customer.status, 403);
}
