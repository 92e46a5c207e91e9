//! Retention: the tables that only grow — outboxes, inboxes, stored idempotent responses,
//! payments' idempotency keys and hourly usage — stay bounded. Each sweep runs here "days
//! later" by being handed a later `now`; the server runs the same sweeps every
//! `retention.sweep_interval_secs`.

use brigade::modules::governance::api::GovernanceApi;
use chrono::{TimeDelta, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::support::{Cafe, TestApp, new_key};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// `SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from}`.
async fn count(app: &TestApp, from: &str) -> i64 {
    app.sql_row::<Count>(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from}"))
        .await
        .n
}

/// Rows each sweep handled, by sweep name.
async fn sweep_at(app: &TestApp, later: TimeDelta) -> std::collections::HashMap<String, u64> {
    app.app_modules
        .sweep(Utc::now() + later)
        .await
        .into_iter()
        .map(|s| {
            assert_eq!(s.error, None, "{}", s.name);
            (s.name, s.rows)
        })
        .collect()
}

/// Waits until every subscription has taken every event.
async fn all_delivered(app: &TestApp) {
    for _ in 0..200 {
        let health = app.app_modules.events.health().await.unwrap();
        if health.iter().all(|h| h.backlog == 0) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("events were not delivered");
}

/// Places and pays an order; returns its id once its ticket is on the kitchen's feed.
async fn paid_order(cafe: &Cafe, key: &str) -> String {
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap().to_owned();
    assert_eq!(
        cafe.pay(&cafe.customer, &id, key, "tok_ok").await.status,
        201
    );
    cafe.ticket_of(&id).await;
    id
}

#[actix_web::test]
async fn events_leave_outboxes_and_inboxes_once_taken_and_past_their_window() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    paid_order(&cafe, "pay-1").await;
    all_delivered(app).await;
    let events = count(app, "ordering_outbox").await;
    let handled = count(app, "kitchen_inbox").await;
    assert!(events > 0 && handled > 0);

    // Within the week's window nothing goes.
    let swept = sweep_at(app, TimeDelta::hours(167)).await;
    assert_eq!(swept["ordering_outbox"], 0);
    assert_eq!(swept["kitchen_inbox"], 0);
    assert_eq!(count(app, "ordering_outbox").await, events);

    // A week on, taken events and handled records go: every module's, the edge's too.
    let swept = sweep_at(app, TimeDelta::hours(169)).await;
    assert_eq!(swept["ordering_outbox"], events as u64);
    assert_eq!(swept["kitchen_inbox"], handled as u64);
    for table in [
        "ordering_outbox",
        "payments_outbox",
        "kitchen_outbox",
        "kitchen_inbox",
        "ordering_inbox",
        "payments_inbox",
        "gateway_outbox",
        "governance_inbox",
    ] {
        assert_eq!(count(app, table).await, 0, "{table}");
    }

    // The journey goes on as before: positions keep counting where they were.
    let next = paid_order(&cafe, "pay-2").await;
    cafe.cook_everything(&next).await;
    cafe.wait_for_status(&next, "ready").await;
}

#[actix_web::test]
async fn an_event_a_subscriber_has_not_taken_stays_however_old() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    paid_order(&cafe, "pay-1").await;
    all_delivered(app).await;
    let events = count(app, "ordering_outbox").await;
    // A subscriber (another process's, say) that is still at the start.
    app.sql_execute(
        "INSERT INTO event_cursors (subscription, position, attempts, retry_at, last_error, \
         lease_owner, leased_until) VALUES ('audit_copy<-ordering', 0, 0, \
         '1970-01-01 00:00:00', '', '', '1970-01-01 00:00:00')",
    )
    .await;
    let swept = sweep_at(app, TimeDelta::days(30)).await;
    assert_eq!(swept["ordering_outbox"], 0);
    assert_eq!(count(app, "ordering_outbox").await, events);

    // Once it moves on, what it took goes, and only that.
    app.sql_execute(
        "UPDATE event_cursors SET position = (SELECT MIN(seq) FROM ordering_outbox) \
         WHERE subscription = 'audit_copy<-ordering'",
    )
    .await;
    let swept = sweep_at(app, TimeDelta::days(30)).await;
    assert_eq!(swept["ordering_outbox"], 1);
    assert_eq!(count(app, "ordering_outbox").await, events - 1);
}

#[actix_web::test]
async fn stored_responses_go_after_the_idempotency_window() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let create = |name: &'static str| {
        app.send(
            "POST",
            "/v1/catalog/categories",
            Some(&cafe.staff),
            &[("Idempotency-Key", "category-1")],
            Some(json!({"name": name})),
        )
    };
    assert_eq!(create("Pastries").await.status, 201);
    let stored = count(app, "gateway_idempotency").await;
    assert!(stored >= 1);

    let swept = sweep_at(app, TimeDelta::hours(23)).await;
    assert_eq!(swept["gateway_idempotency"], 0);
    let replay = create("Pastries").await;
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );

    let swept = sweep_at(app, TimeDelta::hours(25)).await;
    assert_eq!(swept["gateway_idempotency"], stored as u64);
    assert_eq!(count(app, "gateway_idempotency").await, 0);
    // The key is free again: another body is a new request, not a reused key.
    let fresh = create("Breads").await;
    assert_eq!(fresh.status, 201, "{}", fresh.body);
    assert_eq!(fresh.header("idempotent-replayed"), None);
}

#[actix_web::test]
async fn a_payment_s_idempotency_key_goes_after_its_window_and_never_charges_twice() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let order = paid_order(&cafe, "pay-1").await;
    let first = cafe.pay(&cafe.customer, &order, "pay-1", "tok_ok").await;
    let payment = first.body["id"].as_str().unwrap().to_owned();
    assert_eq!(count(app, "payments_idempotency").await, 1);

    // Within the week the key still answers with its payment, the edge's stored answer gone.
    let swept = sweep_at(app, TimeDelta::hours(167)).await;
    assert_eq!(swept["payments_idempotency"], 0);
    assert_eq!(count(app, "gateway_idempotency").await, 0);
    let retry = cafe.pay(&cafe.customer, &order, "pay-1", "tok_ok").await;
    assert_eq!(retry.body["id"], payment.as_str(), "{}", retry.body);

    // A week on the key is forgotten: a retry is a new attempt, which the paid order refuses.
    let swept = sweep_at(app, TimeDelta::hours(169)).await;
    assert_eq!(swept["payments_idempotency"], 1);
    assert_eq!(count(app, "payments_idempotency").await, 0);
    let late = cafe.pay(&cafe.customer, &order, "pay-1", "tok_ok").await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert_eq!(count(app, "payments_payments").await, 1);
}

fn totals(report: &Value) -> Vec<(String, String, u64)> {
    let mut rows: Vec<(String, String, u64)> = report["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap().to_owned(),
                r["period_start"].as_str().unwrap_or_default().to_owned(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[actix_web::test]
async fn hourly_usage_past_the_horizon_is_kept_per_day_with_the_same_totals() {
    // Quota checks read the stored month afresh each time.
    let app = TestApp::spawn_with(&[("BRIGADE_GOVERNANCE__QUOTA_CACHE_SECS", "0")]).await;
    let admin = app
        .token_with_role(
            "ops@example.com",
            brigade::modules::identity::api::Role::Admin,
        )
        .await;
    let owner = app.customer_token("partner@example.com").await;
    let key = new_key(&app, &owner, json!(["orders:read"])).await;
    let (key_id, secret) = (key["id"].as_str().unwrap(), key["secret"].as_str().unwrap());
    for path in ["/v1/orders", "/v1/orders", "/v1/menu"] {
        assert_eq!(app.get(path, Some(secret)).await.status, 200);
    }
    let governance = app.app_modules.api::<dyn GovernanceApi>();
    governance.flush_usage().await.unwrap();
    let report = |group_by: &'static str| {
        let path = format!("/v1/admin/usage?key={key_id}&group_by={group_by}");
        let admin = admin.clone();
        let app = &app;
        async move {
            let res = app.get(&path, Some(&admin)).await;
            assert_eq!(res.status, 200, "{}", res.body);
            res.body
        }
    };
    let daily = report("day").await;
    let hourly = report("hour").await;
    assert_eq!(daily["total"], 3);
    let owner_id = daily["data"][0]["user_id"].as_str().unwrap().to_owned();
    let month = governance
        .account_calls_this_month(&owner_id)
        .await
        .unwrap();
    assert!(month >= 3);

    let swept = sweep_at(&app, TimeDelta::days(34)).await;
    assert_eq!(swept["governance_usage"], 0);
    assert_eq!(report("hour").await["data"], hourly["data"]);

    // 35 days on, this hour's rows are folded into today's.
    sweep_at(&app, TimeDelta::days(36)).await;
    let not_midnight = if app.database_url.starts_with("postgres") {
        "governance_usage WHERE hour <> date_trunc('day', hour)"
    } else {
        "governance_usage WHERE time(hour) <> '00:00:00'"
    };
    assert_eq!(count(&app, not_midnight).await, 0);
    let after = report("day").await;
    assert_eq!(after["total"], 3);
    assert_eq!(totals(&after), totals(&daily));
    // Hour by hour, the day's calls now show at its midnight.
    let by_hour = report("hour").await;
    assert_eq!(by_hour["total"], 3);
    assert!(
        by_hour["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["period_start"].as_str().unwrap().contains("T00:00:00")),
        "{by_hour}"
    );
    // Quotas read the month the same.
    assert_eq!(
        governance
            .account_calls_this_month(&owner_id)
            .await
            .unwrap(),
        month
    );
}
