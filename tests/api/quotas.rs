//! Monthly quotas (counted by usage metering) and plans assigned to users by operators.

use brigade::modules::identity::api::Role;
use serde_json::json;

use crate::support::TestApp;

async fn key(app: &TestApp, token: &str) -> String {
    let res = app
        .post(
            "/v1/api-keys",
            Some(token),
            json!({"name": "k", "scopes": ["orders:read"]}),
        )
        .await;
    res.body["secret"].as_str().unwrap().to_owned()
}

/// Limits on; customers on a plan with 5 calls a month and generous short windows.
async fn metered() -> TestApp {
    TestApp::spawn_with(&[
        ("BRIGADE_RATE_LIMIT__ENABLED", "true"),
        ("BRIGADE_RATE_LIMIT__PLANS__TRIAL__PER_SECOND", "100"),
        ("BRIGADE_RATE_LIMIT__PLANS__TRIAL__PER_MINUTE", "1000"),
        ("BRIGADE_RATE_LIMIT__PLANS__TRIAL__MONTHLY_QUOTA", "5"),
        ("BRIGADE_RATE_LIMIT__USER_PLAN", "trial"),
    ])
    .await
}

#[actix_web::test]
async fn a_monthly_quota_refuses_the_call_after_the_last_one_allowed() {
    let app = metered().await;
    let owner = app.customer_token("ops@example.com").await;
    // Creating the keys spends two of the owner's five calls.
    let (a, b) = (key(&app, &owner).await, key(&app, &owner).await);
    let mut codes = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let res = app.get("/v1/orders", Some(&a)).await;
        codes.push(res.status);
        last = Some(res);
    }
    assert_eq!(codes, [200, 200, 200, 429, 429]);
    let refused = last.unwrap();
    let problem = refused.problem(429);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("monthly quota"),
        "{problem}"
    );
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 31 * 86_400, "{retry}");
    let policy = refused.header("ratelimit-policy").unwrap();
    assert!(policy.contains("\"month\";q=5;w="), "{policy}");
    assert!(
        refused
            .header("ratelimit")
            .unwrap()
            .starts_with("\"month\";r=0;")
    );

    // One quota per account: the owner's other key and own token share it.
    app.get("/v1/orders", Some(&b)).await.problem(429);
    app.get("/v1/orders", Some(&owner)).await.problem(429);
    let other = app.customer_token("cafe@example.com").await;
    assert_eq!(app.get("/v1/orders", Some(&other)).await.status, 200);
}

#[actix_web::test]
async fn operators_assign_plans_to_users_and_their_keys_follow() {
    let app = TestApp::spawn_with(&[
        ("BRIGADE_RATE_LIMIT__ENABLED", "true"),
        ("BRIGADE_RATE_LIMIT__PLANS__TINY__PER_SECOND", "0"),
        ("BRIGADE_RATE_LIMIT__PLANS__TINY__PER_MINUTE", "2"),
    ])
    .await;
    let admin = app.token_with_role("ops@example.com", Role::Admin).await;
    let customer = app.customer_token("cafe@example.com").await;
    let me = app.get("/v1/me", Some(&customer)).await.body;
    let user_id = me["id"].as_str().unwrap().to_owned();
    assert!(me.get("plan").is_none(), "{me}");
    let listed = app.get("/v1/orders", Some(&customer)).await;
    let default_policy = listed
        .header("ratelimit-policy")
        .unwrap_or_else(|| panic!("{} {:?}", listed.status, listed.headers));
    assert!(default_policy.contains("q=600"), "{default_policy}");

    let unknown = app
        .put(
            &format!("/v1/admin/users/{user_id}/plan"),
            Some(&admin),
            json!({"plan": "platinum"}),
        )
        .await;
    assert_eq!(unknown.problem(422)["errors"][0]["field"], "plan");
    app.put(
        &format!("/v1/admin/users/{user_id}/plan"),
        Some(&customer),
        json!({"plan": "tiny"}),
    )
    .await
    .problem(403);

    let assigned = app
        .put(
            &format!("/v1/admin/users/{user_id}/plan"),
            Some(&admin),
            json!({"plan": "tiny"}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.body["plan"], "tiny");

    // The user's token and their keys are now counted on `tiny`, in one budget: creating
    // the key is the first of two calls a minute.
    let secret = key(&app, &customer).await;
    let res = app.get("/v1/orders", Some(&secret)).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("ratelimit-policy").as_deref(),
        Some("\"minute\";q=2;w=60")
    );
    app.get("/v1/orders", Some(&secret)).await.problem(429);
    app.get("/v1/orders", Some(&customer)).await.problem(429);

    // Back to the default.
    let reset = app
        .put(
            &format!("/v1/admin/users/{user_id}/plan"),
            Some(&admin),
            json!({"plan": null}),
        )
        .await;
    assert_eq!(reset.status, 200);
    assert!(reset.body.get("plan").is_none());
}
