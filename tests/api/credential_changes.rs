//! A change that makes a credential mean less takes effect at once on every replica, even
//! though each one remembers who its recent tokens and keys stand for: two Brigades on one
//! database, each answering from its own cache until the other one changes something.

use brigade::modules::identity::api::Role;
use serde_json::json;

use crate::support::{PASSWORD, Response, TestApp, new_key};

/// Two Brigades on one database, each with its own cache.
async fn two_replicas() -> (TestApp, TestApp) {
    let one = TestApp::spawn().await;
    let other = one.spawn_beside(&[]).await;
    (one, other)
}

async fn orders_with_key(app: &TestApp, secret: &str) -> Response {
    app.send("GET", "/v1/orders", None, &[("X-API-Key", secret)], None)
        .await
}

/// Uses `token` on both replicas, so each has it cached.
async fn known_to_both(one: &TestApp, other: &TestApp, token: &str) {
    assert_eq!(one.get("/v1/me", Some(token)).await.status, 200);
    assert_eq!(other.get("/v1/me", Some(token)).await.status, 200);
}

#[actix_web::test]
async fn a_logout_on_one_replica_refuses_the_token_on_the_other_at_once() {
    let (one, other) = two_replicas().await;
    let token = one.customer_token("ana@example.com").await;
    known_to_both(&one, &other, &token).await;

    let res = one
        .send("POST", "/v1/auth/logout", Some(&token), &[], None)
        .await;
    assert_eq!(res.status, 204);
    other.get("/v1/me", Some(&token)).await.problem(401);
    one.get("/v1/me", Some(&token)).await.problem(401);
}

#[actix_web::test]
async fn a_password_changed_on_one_replica_signs_out_other_devices_on_the_other() {
    let (one, other) = two_replicas().await;
    let phone = one.customer_token("bo@example.com").await;
    let laptop = one.login("bo@example.com", PASSWORD).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    known_to_both(&one, &other, &laptop).await;

    let res = one
        .patch(
            "/v1/me",
            Some(&phone),
            json!({"password": "a-brand-new-passphrase", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    other.get("/v1/me", Some(&laptop)).await.problem(401);
    // The device that changed it stays signed in, everywhere.
    assert_eq!(other.get("/v1/me", Some(&phone)).await.status, 200);
}

#[actix_web::test]
async fn a_role_taken_away_on_one_replica_is_gone_on_the_other_at_once() {
    let (one, other) = two_replicas().await;
    let admin = one.token_with_role("root@example.com", Role::Admin).await;
    let cook = one.token_with_role("cy@example.com", Role::Kitchen).await;
    let cook_id = one.get("/v1/me", Some(&cook)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for replica in [&one, &other] {
        let res = replica.get("/v1/kitchen/tickets", Some(&cook)).await;
        assert_eq!(res.status, 200, "{}", res.body);
    }

    let res = one
        .put(
            &format!("/v1/admin/users/{cook_id}/roles"),
            Some(&admin),
            json!({"roles": ["customer"]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    other
        .get("/v1/kitchen/tickets", Some(&cook))
        .await
        .problem(403);
}

#[actix_web::test]
async fn a_key_revoked_on_one_replica_stops_working_on_the_other_at_once() {
    let (one, other) = two_replicas().await;
    let owner = one.customer_token("di@example.com").await;
    let key = new_key(&one, &owner, json!(["orders:read"])).await;
    let (id, secret) = (key["id"].as_str().unwrap(), key["secret"].as_str().unwrap());
    assert_eq!(orders_with_key(&one, secret).await.status, 200);
    assert_eq!(orders_with_key(&other, secret).await.status, 200);

    let res = one
        .delete(&format!("/v1/api-keys/{id}"), Some(&owner))
        .await;
    assert_eq!(res.status, 204, "{}", res.body);
    orders_with_key(&other, secret).await.problem(401);
    orders_with_key(&one, secret).await.problem(401);
}

#[actix_web::test]
async fn a_rotated_key_s_old_secret_works_everywhere_until_its_overlap_ends() {
    let one = TestApp::spawn_with(&[("BRIGADE_AUTH__API_KEY_ROTATION_OVERLAP_SECS", "1")]).await;
    let other = one
        .spawn_beside(&[("BRIGADE_AUTH__API_KEY_ROTATION_OVERLAP_SECS", "1")])
        .await;
    let owner = one.customer_token("ed@example.com").await;
    let key = new_key(&one, &owner, json!(["orders:read"])).await;
    let (id, old) = (key["id"].as_str().unwrap(), key["secret"].as_str().unwrap());
    assert_eq!(orders_with_key(&other, old).await.status, 200);

    let rotated = one
        .post(
            &format!("/v1/api-keys/{id}/rotate"),
            Some(&owner),
            json!({}),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(orders_with_key(&other, &new).await.status, 200);
    assert_eq!(
        orders_with_key(&other, old).await.status,
        200,
        "the overlap has not ended"
    );
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        orders_with_key(&other, old).await.status,
        401,
        "the overlap has ended"
    );
    assert_eq!(orders_with_key(&other, &new).await.status, 200);
}
