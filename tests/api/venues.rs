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

/// A venue in UTC serving breakfast, 08:00–11:00 every day, `per_slot` pickup orders per
/// quarter hour; returns its id.
async fn breakfast_venue(cafe: &Cafe, per_slot: u32) -> String {
    breakfast_venue_taking(cafe, json!({"pickup_orders_per_slot": per_slot})).await
}

/// A venue in UTC serving breakfast, 08:00–11:00 every day, in quarter hours taking what
/// `capacity` says; returns its id.
async fn breakfast_venue_taking(cafe: &Cafe, capacity: Value) -> String {
    let mut scheduling = json!({"slot_minutes": 15, "min_lead_minutes": 15, "max_days_ahead": 7});
    scheduling
        .as_object_mut()
        .unwrap()
        .extend(capacity.as_object().unwrap().clone());
    let morning = json!([{"opens": "08:00", "closes": "11:00"}]);
    let created = cafe
        .app
        .post(
            "/v1/venues",
            Some(&cafe.staff),
            json!({"name": "Breakfast bar", "time_zone": "UTC", "currency": "EUR",
                "hours": {"monday": morning, "tuesday": morning, "wednesday": morning,
                    "thursday": morning, "friday": morning, "saturday": morning, "sunday": morning},
                "scheduling": scheduling}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

fn tomorrow_at(hh_mm: &str) -> DateTime<Utc> {
    let day = Utc::now().date_naive() + TimeDelta::days(1);
    let time = chrono::NaiveTime::parse_from_str(hh_mm, "%H:%M").unwrap();
    day.and_time(time).and_utc()
}

async fn slot(cafe: &Cafe, venue: &str, starts_at: DateTime<Utc>) -> Value {
    let date = starts_at.date_naive();
    let day = cafe
        .app
        .get(
            &format!("/v1/venues/{venue}/slots?date={date}&fulfillment=pickup"),
            None,
        )
        .await;
    assert_eq!(day.status, 200, "{}", day.body);
    day.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["starts_at"] == json!(starts_at))
        .cloned()
        .unwrap_or_else(|| panic!("no slot at {starts_at}: {}", day.body))
}

#[actix_web::test]
async fn a_scheduled_order_takes_a_place_in_its_slot_and_a_cancelled_one_gives_it_back() {
    let cafe = Cafe::open().await;
    let venue = breakfast_venue(&cafe, 2).await;
    let quarter = tomorrow_at("08:15");
    let day = cafe
        .app
        .get(
            &format!("/v1/venues/{venue}/slots?date={}", quarter.date_naive()),
            None,
        )
        .await;
    let slots = day.body["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 96, "{}", day.body);
    let available: Vec<&Value> = slots.iter().filter(|s| s["available"] == true).collect();
    assert_eq!(available.len(), 12, "08:00 to 10:45");
    assert_eq!(available[0]["starts_at"], json!(tomorrow_at("08:00")));
    // Tomorrow's last quarter: closed, and never too soon, whatever the time the test runs
    // (in the quarter hour before midnight, tomorrow's first slot is too soon).
    assert_eq!(slots[95]["reason"], "closed");
    assert_eq!(available[0]["remaining"], 2);

    let at = |t: DateTime<Utc>| json!({"venue_id": venue, "scheduled_for": t});
    let first = order(&cafe, at(quarter)).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["scheduled_for"], json!(quarter));
    assert_eq!(first.body["venue_id"], json!(venue));
    // 08:20 is in the 08:15 slot.
    let second = order(&cafe, at(quarter + TimeDelta::minutes(5))).await;
    assert_eq!(
        second.body["scheduled_for"],
        json!(quarter),
        "{}",
        second.body
    );
    assert_eq!(slot(&cafe, &venue, quarter).await["remaining"], 0);

    let third = order(&cafe, at(quarter)).await;
    assert_eq!(third.status, 409, "{}", third.body);
    assert_eq!(third.body["code"], "slot_full");
    assert_eq!(
        third.body["available_at"],
        json!(quarter + TimeDelta::minutes(15))
    );
    let full = slot(&cafe, &venue, quarter).await;
    assert_eq!(
        (full["available"].clone(), full["reason"].clone()),
        (json!(false), json!("full"))
    );

    // Cancelling gives the place back (a moment later: the venue hears `order.cancelled`).
    let id = first.body["id"].as_str().unwrap();
    let cancelled = cafe.cancel(&cafe.customer, id).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let path = format!("/v1/venues/{venue}/slots?date={}", quarter.date_naive());
    cafe.app
        .eventually(&path, None, |day| {
            day["slots"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|s| s["starts_at"] == json!(quarter) && s["remaining"] == 1)
            })
        })
        .await;
    assert_eq!(order(&cafe, at(quarter)).await.status, 201);
}

#[actix_web::test]
async fn a_slot_outside_the_hours_too_soon_or_too_far_ahead_is_refused_with_the_next_one() {
    let cafe = Cafe::open().await;
    let venue = breakfast_venue(&cafe, 5).await;
    let at = |t: DateTime<Utc>| json!({"venue_id": venue, "scheduled_for": t});
    let night = order(&cafe, at(tomorrow_at("03:00"))).await;
    assert_eq!(night.status, 409, "{}", night.body);
    assert_eq!(night.body["code"], "venue_closed");
    assert_eq!(night.body["available_at"], json!(tomorrow_at("08:00")));

    let far = order(&cafe, at(tomorrow_at("08:00") + TimeDelta::days(10))).await;
    assert_eq!(far.body["code"], "slot_past_cutoff", "{}", far.body);
    let soon = order(&cafe, at(Utc::now() + TimeDelta::minutes(2))).await;
    assert_eq!(soon.body["code"], "slot_too_soon", "{}", soon.body);
    assert!(soon.body["available_at"].is_string(), "{}", soon.body);
}

/// Fifty customers' orders race for a slot of ten: exactly ten get it, the others are told
/// it is full and which slot comes next — on SQLite and on PostgreSQL.
#[actix_web::test]
async fn fifty_orders_racing_for_ten_places_get_exactly_ten() {
    let cafe = Cafe::open_with(&[("BRIGADE_ORDERING__MAX_OPEN_UNPAID", "100")]).await;
    let venue = breakfast_venue(&cafe, 10).await;
    let quarter = tomorrow_at("09:00");
    let racers =
        (0..50).map(|_| order(&cafe, json!({"venue_id": venue, "scheduled_for": quarter})));
    let answers = futures_util::future::join_all(racers).await;
    let placed = answers.iter().filter(|a| a.status == 201).count();
    let full: Vec<_> = answers
        .iter()
        .filter(|a| a.status == 409 && a.body["code"] == "slot_full")
        .collect();
    assert_eq!(
        (placed, full.len()),
        (10, 40),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(
        full.iter()
            .all(|a| a.body["available_at"] == json!(quarter + TimeDelta::minutes(15)))
    );
    assert_eq!(slot(&cafe, &venue, quarter).await["remaining"], 0);
}

/// A slot may also cap the kitchen work it holds: orders fit while their make-minutes do,
/// and an empty slot still takes one larger than the cap.
#[actix_web::test]
async fn a_slot_holds_as_much_kitchen_work_as_the_venue_says() {
    let cafe = Cafe::open().await;
    let venue = breakfast_venue_taking(&cafe, json!({"pickup_make_minutes_per_slot": 20})).await;
    cafe.takes_minutes(&cafe.croissant, 8).await;
    let quarter = tomorrow_at("09:00");
    let croissants = |n: u32, at: DateTime<Utc>| {
        json!({"venue_id": venue, "scheduled_for": at,
            "lines": [{"item_id": cafe.croissant, "quantity": n}]})
    };
    let quoted = cafe
        .app
        .post(
            &format!("/v1/venues/{venue}/quote"),
            Some(&cafe.customer),
            json!({"scheduled_for": quarter, "fulfillment": {"type": "pickup"},
                "lines": [{"item_id": cafe.croissant, "quantity": 1}]}),
        )
        .await;
    assert_eq!(quoted.status, 200, "{}", quoted.body);
    assert_eq!(quoted.body["make_minutes"], 8);

    for _ in 0..2 {
        let placed = order(&cafe, croissants(1, quarter)).await;
        assert_eq!(placed.status, 201, "{}", placed.body);
    }
    let held = slot(&cafe, &venue, quarter).await;
    assert_eq!(
        (
            &held["make_minutes_capacity"],
            &held["make_minutes_remaining"],
            &held["available"]
        ),
        (&json!(20), &json!(4), &json!(true)),
        "{held}"
    );
    // Listed for a basket of eight minutes, the slot is full.
    let path = format!(
        "/v1/venues/{venue}/slots?date={}&make_minutes=8",
        quarter.date_naive()
    );
    let for_the_basket = cafe.app.get(&path, None).await;
    let listed = for_the_basket.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["starts_at"] == json!(quarter))
        .unwrap();
    assert_eq!(listed["reason"], "full", "{listed}");

    let third = order(&cafe, croissants(1, quarter)).await;
    assert_eq!(third.status, 409, "{}", third.body);
    assert_eq!(third.body["code"], "slot_full");
    assert_eq!(
        third.body["available_at"],
        json!(quarter + TimeDelta::minutes(15))
    );
    // Four croissants (32 minutes) are more than a slot holds: the next, empty slot takes
    // them, and then nothing more.
    let next = quarter + TimeDelta::minutes(15);
    let big = order(&cafe, croissants(4, next)).await;
    assert_eq!(big.status, 201, "{}", big.body);
    assert_eq!(slot(&cafe, &venue, next).await["make_minutes_remaining"], 0);
    let after_big = order(&cafe, croissants(1, next)).await;
    assert_eq!(after_big.body["code"], "slot_full", "{}", after_big.body);
}

/// Paid, a scheduled order's ticket waits off the stations until its slot less its prep time
/// and the kitchen's margin; an order for as soon as possible goes straight to them.
#[actix_web::test]
async fn a_scheduled_order_reaches_the_kitchen_only_when_its_time_comes() {
    let cafe = Cafe::open().await;
    let venue = breakfast_venue(&cafe, 5).await;
    let slot_at = tomorrow_at("09:00");
    // Ten minutes to make, and the kitchen's five to spare.
    cafe.takes_minutes(&cafe.croissant, 10).await;
    let later = order(&cafe, json!({"venue_id": venue, "scheduled_for": slot_at})).await;
    let now = order(&cafe, json!({})).await;
    let (later, now) = (
        later.body["id"].as_str().unwrap(),
        now.body["id"].as_str().unwrap(),
    );
    for id in [later, now] {
        assert_eq!(
            cafe.pay(&cafe.customer, id, &format!("k-{id}"), "tok_ok")
                .await
                .status,
            201
        );
    }
    let ticket_of = |id: &str| format!("/v1/kitchen/tickets?order_id={id}");
    let held = cafe
        .app
        .eventually(&ticket_of(later), Some(&cafe.cook), |p| {
            p["data"][0].is_object()
        })
        .await;
    assert_eq!(held["data"][0]["status"], "scheduled");
    assert_eq!(
        held["data"][0]["release_at"],
        json!(slot_at - TimeDelta::minutes(15))
    );
    cafe.app
        .eventually(&ticket_of(now), Some(&cafe.cook), |p| {
            p["data"][0]["status"] == "queued"
        })
        .await;
    let bar = cafe
        .app
        .get("/v1/kitchen/tickets?station=pastry", Some(&cafe.cook))
        .await;
    let on_the_station: Vec<&str> = bar.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["order_id"].as_str().unwrap())
        .collect();
    assert_eq!(on_the_station, [now], "{}", bar.body);
}
