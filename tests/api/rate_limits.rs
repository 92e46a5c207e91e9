//! Rate limits per plan: exact bursts, independent callers, trusted proxies, shared counts.

use serde_json::json;

use crate::support::TestApp;

/// Limits on, every caller class on a 5-per-minute plan, plus `extra`.
async fn limited(extra: &[(&str, &str)]) -> TestApp {
    let mut env = vec![
        ("BRIGADE_RATE_LIMIT__ENABLED", "true"),
        ("BRIGADE_RATE_LIMIT__PLANS__TINY__PER_SECOND", "0"),
        ("BRIGADE_RATE_LIMIT__PLANS__TINY__PER_MINUTE", "5"),
        ("BRIGADE_RATE_LIMIT__ANONYMOUS_PLAN", "tiny"),
        ("BRIGADE_RATE_LIMIT__USER_PLAN", "tiny"),
    ];
    env.extend_from_slice(extra);
    TestApp::spawn_with(&env).await
}

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

#[actix_web::test]
async fn a_burst_gets_exactly_the_limit_then_429s_while_another_account_is_unaffected() {
    let app = limited(&[]).await;
    let owner = app.customer_token("pat@example.com").await;
    // Creating the two keys spends two of the owner's five calls.
    let (a, b) = (key(&app, &owner).await, key(&app, &owner).await);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(app.get("/v1/orders", Some(&a)).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status).collect();
    assert_eq!(codes, [200, 200, 200, 429, 429, 429]);
    assert_eq!(
        statuses[0].header("ratelimit-policy").as_deref(),
        Some("\"minute\";q=5;w=60")
    );
    assert_eq!(
        statuses[0].header("ratelimit").as_deref(),
        Some("\"minute\";r=2;t=60")
    );
    let refused = &statuses[3];
    refused.problem(429);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(refused.header("ratelimit").unwrap().contains("r=0"));
    // Keys count against their owner: a second key, or the owner's own token, buys nothing.
    app.get("/v1/orders", Some(&b)).await.problem(429);
    app.get("/v1/orders", Some(&owner)).await.problem(429);
    // Another account has its own count.
    let other = app.customer_token("quin@example.com").await;
    assert_eq!(app.get("/v1/orders", Some(&other)).await.status, 200);
    // Probes are never limited.
    for _ in 0..10 {
        assert_eq!(app.get("/healthz", None).await.status, 200);
    }
}

#[actix_web::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let trusted = limited(&[("BRIGADE_RATE_LIMIT__TRUSTED_PROXIES", "127.0.0.1")]).await;
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    for _ in 0..5 {
        assert_eq!(
            trusted
                .send("GET", "/v1/menu", None, &from("10.0.0.1"), None)
                .await
                .status,
            200
        );
    }
    assert_eq!(
        trusted
            .send("GET", "/v1/menu", None, &from("10.0.0.1"), None)
            .await
            .status,
        429
    );
    assert_eq!(
        trusted
            .send("GET", "/v1/menu", None, &from("10.0.0.2"), None)
            .await
            .status,
        200
    );

    // Without trusted proxies the header is ignored: spoofing it buys nothing.
    let direct = limited(&[]).await;
    for i in 0..5 {
        let spoof = [(
            "X-Forwarded-For",
            if i % 2 == 0 { "10.9.9.1" } else { "10.9.9.2" },
        )];
        assert_eq!(
            direct
                .send("GET", "/v1/menu", None, &spoof, None)
                .await
                .status,
            200
        );
    }
    assert_eq!(
        direct
            .send("GET", "/v1/menu", None, &from("10.9.9.3"), None)
            .await
            .status,
        429
    );
}

#[actix_web::test]
async fn two_processes_sharing_redis_enforce_one_combined_limit() {
    let prefix = format!("brigade-test:{}", uuid_suffix());
    let env = [
        ("BRIGADE_RATE_LIMIT__BACKEND", "redis"),
        ("BRIGADE_RATE_LIMIT__REDIS_PREFIX", prefix.as_str()),
    ];
    let (one, two) = (limited(&env).await, limited(&env).await);
    let mut ok = 0;
    for i in 0..10 {
        let app = if i % 2 == 0 { &one } else { &two };
        let res = app.get("/v1/menu", None).await;
        if res.status == 200 {
            ok += 1;
        } else {
            res.problem(429);
        }
    }
    assert_eq!(ok, 5, "one shared count of 5 across both replicas");
}

fn uuid_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    format!(
        "{}-{}",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
        std::process::id()
    )
}

#[actix_web::test]
async fn registrations_per_address_are_limited_so_enumerating_emails_is_slow() {
    let app = TestApp::spawn_with(&[
        ("BRIGADE_RATE_LIMIT__ENABLED", "true"),
        ("BRIGADE_RATE_LIMIT__SIGNUPS_PER_HOUR", "3"),
    ])
    .await;
    for n in 0..3 {
        let res = app.register(&format!("new{n}@example.com")).await;
        assert_eq!(res.status, 201, "{}", res.body);
    }
    // A taken email says so (409: customers need to know to sign in instead) — but only
    // within the same budget, so probing many emails takes hours.
    let refused = app.register("new0@example.com").await;
    assert_eq!(refused.problem(429)["code"], "too_many_signups");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    // Signing in is not a sign-up.
    assert_eq!(
        app.login("new1@example.com", crate::support::PASSWORD)
            .await
            .status,
        200
    );
}
