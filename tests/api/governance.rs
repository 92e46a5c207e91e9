//! The operator's view: the API inventory and usage reports (JSON, CSV, per key).

use brigade::modules::identity::api::Role;
use serde_json::{Value, json};

use crate::support::TestApp;

#[actix_web::test]
async fn the_inventory_lists_every_documented_operation_module_and_event() {
    let app = TestApp::spawn().await;
    let admin = app.token_with_role("ops@example.com", Role::Admin).await;
    let inventory = app.get("/v1/admin/inventory", Some(&admin)).await;
    assert_eq!(inventory.status, 200, "{}", inventory.body);
    let inventory = inventory.body;

    // Every operation of the live OpenAPI document is in it, with its visibility and scopes.
    let doc = app.get("/openapi.json", None).await.body;
    let listed: Vec<(String, String)> = inventory["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["method"].as_str().unwrap().to_owned(),
                o["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut documented = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented += 1;
            let key = (method.to_uppercase(), path.clone());
            assert!(
                listed.contains(&key),
                "{key:?} is missing from the inventory"
            );
            let entry = inventory["operations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["method"] == key.0.as_str() && o["path"] == key.1.as_str())
                .unwrap();
            assert_eq!(entry["visibility"], op["x-visibility"], "{key:?}");
            assert_eq!(entry["module"], op["tags"][0], "{key:?}");
        }
    }
    assert!(documented > 40, "{documented} operations documented");
    assert!(listed.contains(&("GET".into(), "/metrics".into())));

    let op = |method: &str, path: &str| -> Value {
        inventory["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["method"] == method && o["path"] == path)
            .cloned()
            .unwrap()
    };
    assert_eq!(op("GET", "/v1/menu")["visibility"], "public");
    assert_eq!(op("GET", "/v1/menu")["auth"], json!(["none"]));
    let place = op("POST", "/v1/orders");
    assert_eq!(place["visibility"], "partner");
    assert_eq!(place["scopes"], json!(["orders:write"]));
    assert_eq!(op("GET", "/v1/admin/inventory")["visibility"], "internal");

    // Modules, with the dependencies the architecture test enforces.
    let module = |name: &str| -> Value {
        inventory["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("module {name} is missing"))
    };
    for name in [
        "identity",
        "catalog",
        "ordering",
        "payments",
        "kitchen",
        "delivery",
        "governance",
        "webhooks",
    ] {
        let m = module(name);
        assert!(m["version"].is_string() && m["owner"].is_string() && m["purpose"].is_string());
        assert!(m["operations"].as_u64().unwrap() > 0, "{name}");
    }
    assert_eq!(
        module("payments")["depends_on"],
        json!(["identity", "ordering"])
    );

    // Events: schema, producer and consumers.
    let event = |t: &str| -> Value {
        inventory["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["event_type"] == t)
            .cloned()
            .unwrap_or_else(|| panic!("event {t} is missing"))
    };
    let paid = event("order.paid");
    assert_eq!(paid["producer"], "ordering");
    assert_eq!(paid["consumers"], json!(["catalog", "kitchen", "webhooks"]));
    assert!(paid["schema"]["properties"]["lines"].is_object(), "{paid}");
    assert_eq!(
        event("ticket.ready")["consumers"],
        json!(["ordering", "webhooks"])
    );
    assert_eq!(event("audit.recorded")["producer"], "gateway");
    assert_eq!(event("audit.recorded")["consumers"], json!(["governance"]));
    assert!(event("delivery.created")["schema"]["properties"]["tracking_code"].is_object());
    // Every subscribed type has a producer that declares it.
    for e in inventory["events"].as_array().unwrap() {
        assert!(e["summary"].as_str().is_some_and(|s| !s.is_empty()));
    }
    assert!(inventory["plans"].as_array().unwrap().len() >= 4);
}

#[actix_web::test]
async fn only_admins_see_the_inventory_and_usage() {
    let app = TestApp::spawn().await;
    let staff = app.token_with_role("staff@example.com", Role::Staff).await;
    app.get("/v1/admin/inventory", Some(&staff))
        .await
        .problem(403);
    app.get("/v1/admin/usage", Some(&staff)).await.problem(403);
    app.get("/v1/admin/usage/export", None).await.problem(401);
}

async fn api_key(app: &TestApp, token: &str) -> (String, String) {
    let res = app
        .post(
            "/v1/api-keys",
            Some(token),
            json!({"name": "till", "scopes": ["orders:read"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    (
        res.body["id"].as_str().unwrap().to_owned(),
        res.body["secret"].as_str().unwrap().to_owned(),
    )
}

fn rows_for<'a>(report: &'a Value, operation: &str, status_class: &str) -> Vec<&'a Value> {
    report["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["operation"] == operation && r["status_class"] == status_class)
        .collect()
}

#[actix_web::test]
async fn usage_is_counted_per_key_operation_and_status_class() {
    let app = TestApp::spawn().await;
    let admin = app.token_with_role("ops@example.com", Role::Admin).await;
    let owner = app.customer_token("partner@example.com").await;
    let (key_id, secret) = api_key(&app, &owner).await;
    for _ in 0..3 {
        assert_eq!(app.get("/v1/orders", Some(&secret)).await.status, 200);
    }
    assert_eq!(
        app.get("/v1/orders/ord_nope", Some(&secret)).await.status,
        404
    );
    // The key may not list kitchen tickets: a 403, counted too.
    assert_eq!(
        app.get("/v1/kitchen/tickets", Some(&secret)).await.status,
        403
    );

    let report = app
        .get(
            &format!("/v1/admin/usage?key={key_id}&group_by=hour"),
            Some(&admin),
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    let report = report.body;
    assert_eq!(report["group_by"], "hour");
    assert_eq!(report["total"], 5, "{report}");
    let listed = rows_for(&report, "GET /v1/orders", "2xx");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["count"], 3);
    assert_eq!(listed[0]["subject"], "api_key");
    assert_eq!(listed[0]["key_id"], key_id.as_str());
    assert!(listed[0]["user_id"].as_str().unwrap().starts_with("usr_"));
    assert_eq!(
        listed[0]["latency_buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap())
            .sum::<u64>(),
        3
    );
    assert_eq!(
        rows_for(&report, "GET /v1/orders/{id}", "4xx")[0]["count"],
        1
    );
    assert_eq!(
        rows_for(&report, "GET /v1/kitchen/tickets", "4xx")[0]["count"],
        1
    );

    // The owner sees the same for their key; nobody else can.
    let own = app
        .get(&format!("/v1/api-keys/{key_id}/usage"), Some(&owner))
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.body["total"], 5);
    assert_eq!(own.body["group_by"], "day");
    let stranger = app.customer_token("stranger@example.com").await;
    app.get(&format!("/v1/api-keys/{key_id}/usage"), Some(&stranger))
        .await
        .problem(404);

    // Filtering by operation, and by user (their access-token calls and their keys).
    let menu_only = app
        .get("/v1/admin/usage?operation=GET%20/v1/orders", Some(&admin))
        .await
        .body;
    assert!(
        menu_only["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["operation"] == "GET /v1/orders")
    );
}

#[actix_web::test]
async fn usage_exports_as_csv_for_billing() {
    let app = TestApp::spawn().await;
    let admin = app.token_with_role("ops@example.com", Role::Admin).await;
    for _ in 0..2 {
        app.get("/v1/menu", None).await;
    }
    let res = app
        .get(
            "/v1/admin/usage/export?operation=GET%20/v1/menu",
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let csv = String::from_utf8(res.raw.clone()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "period_start,subject,key_id,user_id,operation,status_class,count,latency_avg_ms,latency_p95_ms"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    let fields: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        &fields[1..7],
        ["anonymous", "", "", "GET /v1/menu", "2xx", "2"]
    );
}

#[actix_web::test]
async fn usage_reports_refuse_impossible_ranges() {
    let app = TestApp::spawn().await;
    let admin = app.token_with_role("ops@example.com", Role::Admin).await;
    let backwards = app
        .get(
            "/v1/admin/usage?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
            Some(&admin),
        )
        .await;
    assert_eq!(backwards.problem(422)["errors"][0]["field"], "from");
    let too_long = app
        .get(
            "/v1/admin/usage?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            Some(&admin),
        )
        .await;
    too_long.problem(422);
    let weekly = app.get("/v1/admin/usage?group_by=week", Some(&admin)).await;
    assert!([400, 422].contains(&weekly.status), "{}", weekly.body);
    app.get("/v1/admin/usage?colour=red", Some(&admin))
        .await
        .problem(weekly.status);
}

#[actix_web::test]
async fn counts_are_flushed_in_batches_and_survive_the_process() {
    let app = TestApp::spawn_with(&[("BRIGADE_GOVERNANCE__USAGE_FLUSH_SECS", "1")]).await;
    for _ in 0..4 {
        assert_eq!(app.get("/v1/menu", None).await.status, 200);
    }
    // Another process on the same database (a restart, or a replica) sees them once this
    // one has flushed — it never asked this one for them.
    let other = app.spawn_beside(&[]).await;
    let admin = other.token_with_role("ops@example.com", Role::Admin).await;
    let report = other
        .eventually(
            "/v1/admin/usage?operation=GET%20/v1/menu",
            Some(&admin),
            |r| r["total"] == 4,
        )
        .await;
    assert_eq!(report["data"][0]["subject"], "anonymous");
}
