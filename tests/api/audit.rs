//! The audit trail: staff and admin writes, with who, what, when, the target before and after.

use serde_json::{Value, json};

use crate::support::Cafe;

async fn audit(cafe: &Cafe, query: &str, done: impl Fn(&Value) -> bool) -> Value {
    cafe.app
        .eventually(&format!("/v1/admin/audit{query}"), Some(&cafe.admin), done)
        .await
}

fn actions(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn staff_writes_are_recorded_with_before_and_after_but_customers_are_not() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let repriced = app
        .patch(
            &format!("/v1/catalog/items/{}", cafe.croissant),
            Some(&cafe.staff),
            json!({"price": 275}),
        )
        .await;
    assert_eq!(repriced.status, 200, "{}", repriced.body);
    // A customer's write is theirs, not an operator's: not audited.
    cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    // A refused staff write is recorded too, with its status and no "after".
    let refused = app
        .patch(
            &format!("/v1/catalog/items/{}", cafe.croissant),
            Some(&cafe.staff),
            json!({"price": -1}),
        )
        .await;
    assert_eq!(refused.status, 422);

    let page = audit(&cafe, "?action=PATCH%20/v1/catalog/items/%7Bid%7D", |p| {
        p["data"].as_array().is_some_and(|d| d.len() == 2)
    })
    .await;
    let (failed, done) = (&page["data"][0], &page["data"][1]);
    assert_eq!(failed["status"], 422);
    assert!(failed["after"].is_null());
    assert_eq!(done["status"], 200);
    assert_eq!(done["target_type"], "catalog item");
    assert_eq!(done["target_id"], cafe.croissant.as_str());
    assert_eq!(done["before"]["price"], 250);
    assert_eq!(done["after"]["price"], 275);
    assert_eq!(done["after"]["name"], "Croissant");
    assert_eq!(done["actor_roles"], json!(["customer", "staff"]));
    assert_eq!(
        done["path"],
        format!("/v1/catalog/items/{}", cafe.croissant)
    );
    assert!(done["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(done["at"].is_string());

    let everything = audit(&cafe, "", |p| {
        p["data"].as_array().is_some_and(|d| d.len() >= 5)
    })
    .await;
    let all = actions(&everything);
    assert!(!all.iter().any(|a| a == "POST /v1/orders"), "{all:?}");
    assert!(all.iter().any(|a| a == "POST /v1/catalog/categories"));
    // The created category's id comes from the answer.
    let created = everything["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "POST /v1/catalog/categories")
        .unwrap();
    assert!(created["target_id"].as_str().unwrap().starts_with("cat_"));
    assert!(created["before"].is_null());
}

#[actix_web::test]
async fn admin_changes_to_people_are_audited_and_the_trail_pages_and_filters() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let me = app.get("/v1/me", Some(&cafe.courier)).await.body;
    let courier_id = me["id"].as_str().unwrap().to_owned();
    let promoted = app
        .put(
            &format!("/v1/admin/users/{courier_id}/roles"),
            Some(&cafe.admin),
            json!({"roles": ["courier", "staff"]}),
        )
        .await;
    assert_eq!(promoted.status, 200);
    let admin_id = app.get("/v1/me", Some(&cafe.admin)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mine = audit(&cafe, &format!("?actor={admin_id}"), |p| {
        p["data"].as_array().is_some_and(|d| d.len() == 1)
    })
    .await;
    let entry = &mine["data"][0];
    assert_eq!(entry["action"], "PUT /v1/admin/users/{id}/roles");
    assert_eq!(entry["target_type"], "user");
    assert_eq!(entry["before"]["roles"], json!(["customer", "courier"]));
    assert_eq!(
        entry["after"]["roles"],
        json!(["customer", "staff", "courier"])
    );

    let on_courier = audit(&cafe, &format!("?target_id={courier_id}"), |p| {
        p["data"].as_array().is_some_and(|d| d.len() == 1)
    })
    .await;
    assert_eq!(on_courier["data"][0]["id"], entry["id"]);

    // Pages of one, newest first, until the end.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("/v1/admin/audit?limit=1&cursor={c}"),
            None => "/v1/admin/audit?limit=1".to_owned(),
        };
        let page = app.get(&query, Some(&cafe.admin)).await.body;
        seen.push(page["data"][0]["id"].as_str().unwrap().to_owned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first");
    assert!(seen.len() >= 4);

    app.get("/v1/admin/audit", Some(&cafe.staff))
        .await
        .problem(403);
    app.get("/v1/admin/audit?limit=0", Some(&cafe.admin))
        .await
        .problem(422);
}
