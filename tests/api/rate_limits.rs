//! Rate limits per plan: exact bursts, independent callers, trusted proxies, shared counts.

use serde_json::json;

use crate::helpers::TestApp;

/// Limits on, every caller class on a 5-per-minute plan, plus `extra`.
async fn limited(extra: &[(&str, &str)]) -> TestApp {
    let mut env = vec![
        ("BRIGADE_RATE_LIMIT__ENABLED", "true"),
        ("BRIGADE_RATE_LIMIT__PLANS__TINY__PER_SECOND", "0"),
        ("BRIGADE_RATE_LIMIT__PLANS__TINY__PER_MINUTE", "5"),
        ("BRIGADE_RATE_LIMIT__ANONYMOUS_PLAN", "tiny"),
        ("BRIGADE_RATE_LIMIT__USER_PLAN", "tiny"),
        ("BRIGADE_RATE_LIMIT__API_KEY_PLAN", "tiny"),
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
async fn a_burst_gets_exactly_the_limit_then_429s_while_another_key_is_unaffected() {
    let app = limited(&[]).await;
    let owner = app.customer_token("pat@example.com").await;
    let (a, b) = (key(&app, &owner).await, key(&app, &owner).await);
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(app.get("/v1/orders", Some(&a)).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status).collect();
    assert_eq!(codes, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert_eq!(
        statuses[0].header("ratelimit-policy").as_deref(),
        Some("\"minute\";q=5;w=60")
    );
    assert_eq!(
        statuses[0].header("ratelimit").as_deref(),
        Some("\"minute\";r=4;t=60")
    );
    let refused = &statuses[5];
    refused.problem(429);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(refused.header("ratelimit").unwrap().contains("r=0"));
    // Another key has its own count.
    assert_eq!(app.get("/v1/orders", Some(&b)).await.status, 200);
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
