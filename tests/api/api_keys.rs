//! API keys: self-serve, scoped, revocable, rotatable, never in the query string.

use brigade::modules::identity::api::Role;
use serde_json::json;

use crate::support::Cafe;
use crate::support::{TestApp, new_key};

#[actix_web::test]
async fn a_key_acts_for_its_owner_within_its_scopes() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let key = new_key(app, &cafe.customer, json!(["orders:read", "orders:write"])).await;
    let secret = key["secret"].as_str().unwrap();
    assert!(secret.starts_with(key["prefix"].as_str().unwrap()));
    assert!(secret.starts_with("bk_"));

    // As X-API-Key and as a bearer token.
    let placed = app
        .send(
            "POST",
            "/v1/orders",
            None,
            &[("X-API-Key", secret)],
            Some(json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}], "fulfillment": {"type": "pickup"}})),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let mine = app.get("/v1/orders", Some(secret)).await;
    assert_eq!(mine.body["data"].as_array().unwrap().len(), 1);

    // The listing never shows a secret, and records use.
    let list = app.get("/v1/api-keys", Some(&cafe.customer)).await;
    assert_eq!(list.body["data"][0]["id"], key["id"]);
    assert!(list.body["data"][0].get("secret").is_none());
    assert!(list.body["data"][0]["last_used_at"].is_string());
    assert!(
        !list
            .raw
            .windows(secret.len())
            .any(|w| w == secret.as_bytes())
    );

    // Keys cannot reach session-only operations, or manage keys.
    app.get("/v1/me", Some(secret)).await.problem(403);
    app.get("/v1/api-keys", Some(secret)).await.problem(403);
    // Never from the query string.
    let query = app.get(&format!("/v1/orders?api_key={secret}"), None).await;
    assert!(
        query.status == 401 || query.status == 422,
        "{}",
        query.status
    );
}

#[actix_web::test]
async fn scopes_are_checked_per_operation_and_never_exceed_the_owners_roles() {
    let cafe = Cafe::open().await;
    let app = &cafe.app;
    let reader = new_key(app, &cafe.customer, json!(["orders:read"])).await;
    let secret = reader["secret"].as_str().unwrap();
    let refused = app
        .post("/v1/orders", Some(secret), json!({"lines": [{"item_id": cafe.croissant, "quantity": 1}], "fulfillment": {"type": "pickup"}}))
        .await;
    assert!(
        refused.problem(403)["detail"]
            .as_str()
            .unwrap()
            .contains("orders:write")
    );

    let res = app
        .post(
            "/v1/api-keys",
            Some(&cafe.customer),
            json!({"name": "x", "scopes": ["menu:write", "nope"]}),
        )
        .await;
    let errors = &res.problem(422)["errors"];
    assert_eq!(errors[0]["field"], "scopes[0]");
    assert_eq!(errors[0]["code"], "not_allowed");
    assert_eq!(errors[1]["code"], "unknown");

    // A staff key may edit the menu — until its owner stops being staff.
    let staff_key = new_key(app, &cafe.staff, json!(["menu:write"])).await;
    let staff_secret = staff_key["secret"].as_str().unwrap();
    let path = format!("/v1/catalog/items/{}/availability", cafe.croissant);
    assert_eq!(
        app.put(&path, Some(staff_secret), json!({"available": false}))
            .await
            .status,
        200
    );
    let me = app.get("/v1/me", Some(&cafe.staff)).await;
    let staff_id = me.body["id"].as_str().unwrap();
    let demoted = app
        .put(
            &format!("/v1/admin/users/{staff_id}/roles"),
            Some(&cafe.admin),
            json!({"roles": ["customer"]}),
        )
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    app.put(&path, Some(staff_secret), json!({"available": true}))
        .await
        .problem(403);
}

#[actix_web::test]
async fn revoked_and_expired_keys_stop_working() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("kim@example.com").await;
    let key = new_key(&app, &token, json!(["orders:read"])).await;
    let secret = key["secret"].as_str().unwrap();
    assert_eq!(app.get("/v1/orders", Some(secret)).await.status, 200);
    let revoked = app
        .delete(
            &format!("/v1/api-keys/{}", key["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(revoked.status, 204);
    app.get("/v1/orders", Some(secret)).await.problem(401);
    app.delete(
        &format!("/v1/api-keys/{}", key["id"].as_str().unwrap()),
        Some(&token),
    )
    .await
    .problem(404);

    let past = app
        .post(
            "/v1/api-keys",
            Some(&token),
            json!({"name": "old", "scopes": ["orders:read"], "expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(past.problem(422)["errors"][0]["field"], "expires_at");
    let soon = (chrono::Utc::now() + chrono::TimeDelta::milliseconds(1500)).to_rfc3339();
    let short = app
        .post(
            "/v1/api-keys",
            Some(&token),
            json!({"name": "brief", "scopes": ["orders:read"], "expires_at": soon}),
        )
        .await;
    let short_secret = short.body["secret"].as_str().unwrap();
    assert_eq!(app.get("/v1/orders", Some(short_secret)).await.status, 200);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1600)).await;
    app.get("/v1/orders", Some(short_secret)).await.problem(401);
    // Another user's key id is simply not found.
    let other = app.customer_token("lou@example.com").await;
    let theirs = new_key(&app, &other, json!(["orders:read"])).await;
    app.delete(
        &format!("/v1/api-keys/{}", theirs["id"].as_str().unwrap()),
        Some(&token),
    )
    .await
    .problem(404);
}

#[actix_web::test]
async fn rotation_keeps_the_old_secret_only_for_the_overlap() {
    for (overlap, old_still_works) in [("3600", true), ("0", false)] {
        let app =
            TestApp::spawn_with(&[("BRIGADE_AUTH__API_KEY_ROTATION_OVERLAP_SECS", overlap)]).await;
        let token = app.token_with_role("ops@example.com", Role::Customer).await;
        let key = new_key(&app, &token, json!(["orders:read"])).await;
        let old = key["secret"].as_str().unwrap();
        let rotated = app
            .post(
                &format!("/v1/api-keys/{}/rotate", key["id"].as_str().unwrap()),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(rotated.status, 200, "{}", rotated.body);
        let new = rotated.body["secret"].as_str().unwrap();
        assert_ne!(new, old);
        assert_eq!(rotated.body["id"], key["id"]);
        assert_eq!(app.get("/v1/orders", Some(new)).await.status, 200);
        let old_status = app.get("/v1/orders", Some(old)).await.status;
        assert_eq!(
            old_status == 200,
            old_still_works,
            "overlap {overlap}: {old_status}"
        );
    }
}

#[actix_web::test]
async fn an_account_holds_a_bounded_number_of_live_keys() {
    let app = TestApp::spawn_with(&[("BRIGADE_AUTH__MAX_API_KEYS_PER_USER", "3")]).await;
    let owner = app.customer_token("max@example.com").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(new_key(&app, &owner, json!(["orders:read"])).await["id"].clone());
    }
    let refused = app
        .post(
            "/v1/api-keys",
            Some(&owner),
            json!({"name": "one too many", "scopes": ["orders:read"]}),
        )
        .await;
    assert!(
        refused.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("at most 3")
    );
    // Revoking one frees its place.
    let id = ids[0].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/v1/api-keys/{id}"), Some(&owner))
            .await
            .status,
        204
    );
    new_key(&app, &owner, json!(["orders:read"])).await;
}
