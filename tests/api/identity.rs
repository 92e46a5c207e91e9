use brigade::modules::identity::api::Role;
use serde_json::json;

use crate::support::{PASSWORD, TestApp};

#[actix_web::test]
async fn registering_creates_a_customer_and_never_echoes_the_password() {
    let app = TestApp::spawn().await;
    let res = app.register("  Ada@Example.COM ").await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.body["email"], "ada@example.com");
    assert_eq!(res.body["roles"], json!(["customer"]));
    assert!(res.body["id"].as_str().unwrap().starts_with("usr_"));
    assert!(!String::from_utf8_lossy(&res.raw).contains(PASSWORD));
    assert!(res.body.get("password_hash").is_none());
}

#[actix_web::test]
async fn emails_are_unique_case_insensitively() {
    let app = TestApp::spawn().await;
    assert_eq!(app.register("bob@example.com").await.status, 201);
    app.register("BOB@example.com").await.problem(409);
}

#[actix_web::test]
async fn weak_passwords_are_refused_with_reasons() {
    let app = TestApp::spawn().await;
    for (password, code) in [
        ("short-pass", "too_short"),
        ("password1234", "too_common"),
        ("aaaaaaaaaaaaaaaa", "too_common"),
    ] {
        let res = app
            .post(
                "/v1/auth/register",
                None,
                json!({"email": "c@example.com", "password": password, "name": "C"}),
            )
            .await;
        let body = res.problem(422);
        assert_eq!(body["errors"][0]["field"], "password");
        assert_eq!(body["errors"][0]["code"], code, "{password}");
    }
    let too_long = "a-b".repeat(43) + "x";
    let res = app
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "c@example.com", "password": too_long, "name": "C"}),
        )
        .await;
    assert_eq!(res.problem(422)["errors"][0]["code"], "too_long");
    // 128 characters is fine, and none of them is ignored.
    let exactly_128 = "horse-battery-".repeat(9) + "ab";
    assert_eq!(exactly_128.chars().count(), 128);
    let res = app
        .post(
            "/v1/auth/register",
            None,
            json!({"email": "c@example.com", "password": exactly_128, "name": "C"}),
        )
        .await;
    assert_eq!(res.status, 201);
    let truncated = &exactly_128[..127];
    app.login("c@example.com", truncated).await.problem(401);
}

#[actix_web::test]
async fn logging_in_returns_a_bearer_token_pair() {
    let app = TestApp::spawn().await;
    app.register("dee@example.com").await;
    let res = app.login("DEE@example.com", PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["token_type"], "Bearer");
    assert_eq!(res.body["expires_in"], 900);
    assert!(
        res.body["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("rt_")
    );
    assert_eq!(
        res.header("cache-control").as_deref(),
        Some("private, no-store")
    );

    let token = res.body["access_token"].as_str().unwrap();
    let me = app.get("/v1/me", Some(token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "dee@example.com");
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_are_indistinguishable() {
    let app = TestApp::spawn().await;
    app.register("fay@example.com").await;
    let wrong = app
        .login("fay@example.com", "not-the-password-at-all")
        .await;
    let unknown = app
        .login("nobody@example.com", "not-the-password-at-all")
        .await;
    wrong.problem(401);
    unknown.problem(401);
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("instance");
        v
    };
    assert_eq!(strip(wrong.body.clone()), strip(unknown.body.clone()));
}

#[actix_web::test]
async fn repeated_failures_throttle_the_account_even_for_the_right_password() {
    let app = TestApp::spawn().await;
    app.register("gus@example.com").await;
    for _ in 0..5 {
        app.login("gus@example.com", "not-the-password-at-all")
            .await
            .problem(401);
    }
    let locked = app.login("gus@example.com", PASSWORD).await;
    locked.problem(429);
    let retry: u64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900);
    // Unknown accounts are throttled the same way, so the lock reveals nothing either.
    for _ in 0..5 {
        app.login("ghost@example.com", "not-the-password-at-all")
            .await
            .problem(401);
    }
    app.login("ghost@example.com", "not-the-password-at-all")
        .await
        .problem(429);
    // Another account is unaffected.
    app.register("hal@example.com").await;
    assert_eq!(app.login("hal@example.com", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn me_requires_a_valid_token() {
    let app = TestApp::spawn().await;
    let res = app.get("/v1/me", None).await;
    res.problem(401);
    assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer"));
    app.get("/v1/me", Some("garbage.token.here"))
        .await
        .problem(401);
    app.send(
        "GET",
        "/v1/me",
        None,
        &[("Authorization", "Basic Zm9vOmJhcg==")],
        None,
    )
    .await
    .problem(401);
}

#[actix_web::test]
async fn profile_name_can_change_but_not_role_or_id() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("ivy@example.com").await;
    let res = app
        .patch("/v1/me", Some(&token), json!({"name": "Ivy B."}))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["name"], "Ivy B.");
    for forbidden in [json!({"roles": ["admin"]}), json!({"id": "usr_x"})] {
        app.patch("/v1/me", Some(&token), forbidden)
            .await
            .problem(422);
    }
    assert_eq!(
        app.get("/v1/me", Some(&token)).await.body["roles"],
        json!(["customer"])
    );
}

#[actix_web::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_other_sessions() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("jo@example.com").await;
    let other_device = app.login("jo@example.com", PASSWORD).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let res = app
        .patch(
            "/v1/me",
            Some(&token),
            json!({"password": "a-brand-new-passphrase"}),
        )
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "current_password");
    let res = app
        .patch(
            "/v1/me",
            Some(&token),
            json!({"password": "a-brand-new-passphrase", "current_password": "wrong-wrong-wrong"}),
        )
        .await;
    assert_eq!(res.problem(422)["errors"][0]["code"], "mismatch");

    let res = app
        .patch(
            "/v1/me",
            Some(&token),
            json!({"password": "a-brand-new-passphrase", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(app.get("/v1/me", Some(&token)).await.status, 200);
    app.get("/v1/me", Some(&other_device)).await.problem(401);
    app.login("jo@example.com", PASSWORD).await.problem(401);
    assert_eq!(
        app.login("jo@example.com", "a-brand-new-passphrase")
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn logout_revokes_access_and_refresh_tokens() {
    let app = TestApp::spawn().await;
    app.register("kim@example.com").await;
    let pair = app.login("kim@example.com", PASSWORD).await.body;
    let access = pair["access_token"].as_str().unwrap();
    let res = app
        .send("POST", "/v1/auth/logout", Some(access), &[], None)
        .await;
    assert_eq!(res.status, 204);
    app.get("/v1/me", Some(access)).await.problem(401);
    app.post(
        "/v1/auth/refresh",
        None,
        json!({"refresh_token": pair["refresh_token"]}),
    )
    .await
    .problem(401);
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_a_reused_one_kills_the_session() {
    let app = TestApp::spawn().await;
    app.register("lee@example.com").await;
    let first = app.login("lee@example.com", PASSWORD).await.body;
    let second = app
        .post(
            "/v1/auth/refresh",
            None,
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_ne!(second.body["refresh_token"], first["refresh_token"]);
    let access = second.body["access_token"].as_str().unwrap();
    assert_eq!(app.get("/v1/me", Some(access)).await.status, 200);

    // Replaying the first refresh token looks like theft: the whole session ends.
    app.post(
        "/v1/auth/refresh",
        None,
        json!({"refresh_token": first["refresh_token"]}),
    )
    .await
    .problem(401);
    app.get("/v1/me", Some(access)).await.problem(401);
    app.post(
        "/v1/auth/refresh",
        None,
        json!({"refresh_token": second.body["refresh_token"]}),
    )
    .await
    .problem(401);
}

#[actix_web::test]
async fn only_admins_set_roles_and_changes_apply_to_live_tokens() {
    let app = TestApp::spawn().await;
    let admin = app.token_with_role("root@example.com", Role::Admin).await;
    let staff = app.token_with_role("sam@example.com", Role::Staff).await;
    let customer_token = app.customer_token("max@example.com").await;
    let max_id = app.get("/v1/me", Some(&customer_token)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/admin/users/{max_id}/roles");

    for token in [&customer_token, &staff] {
        app.put(&path, Some(token), json!({"roles": ["admin"]}))
            .await
            .problem(403);
    }
    let res = app
        .put(&path, Some(&admin), json!({"roles": ["kitchen"]}))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["roles"], json!(["customer", "kitchen"]));
    // Max's existing token now carries the new role.
    assert_eq!(
        app.get("/v1/me", Some(&customer_token)).await.body["roles"],
        json!(["customer", "kitchen"])
    );

    app.put(
        "/v1/admin/users/usr_missing/roles",
        Some(&admin),
        json!({"roles": ["staff"]}),
    )
    .await
    .problem(404);
    app.put(&path, Some(&admin), json!({"roles": ["wizard"]}))
        .await
        .problem(422);
    app.put(&path, Some(&admin), json!({"roles": []}))
        .await
        .problem(422);
}

#[actix_web::test]
async fn admins_cannot_demote_themselves() {
    let app = TestApp::spawn().await;
    let admin = app.token_with_role("boss@example.com", Role::Admin).await;
    let id = app.get("/v1/me", Some(&admin)).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.put(
        &format!("/v1/admin/users/{id}/roles"),
        Some(&admin),
        json!({"roles": ["staff"]}),
    )
    .await
    .problem(409);
}

#[actix_web::test]
async fn wrong_current_passwords_count_against_the_sign_in_throttle() {
    let app = TestApp::spawn().await;
    let token = app.customer_token("kit@example.com").await;
    let guess =
        |current: &str| json!({"password": "a-brand-new-passphrase", "current_password": current});
    // The test configuration allows 5 failures; the sign-in above does not count as one.
    for n in 0..5 {
        let res = app
            .patch("/v1/me", Some(&token), guess(&format!("guess-number-{n}")))
            .await;
        assert_eq!(res.problem(422)["errors"][0]["code"], "mismatch");
    }
    let locked = app.patch("/v1/me", Some(&token), guess(PASSWORD)).await;
    locked.problem(429);
    assert!(locked.header("retry-after").is_some());
    // One throttle per account: signing in is locked too, even with the right password.
    app.login("kit@example.com", PASSWORD).await.problem(429);
}

/// Peak resident memory of this process (the test hosts the server), from the kernel.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kib / 1024
}

#[actix_web::test]
async fn two_hundred_concurrent_sign_ins_keep_memory_bounded() {
    // argon2 at 19 MiB a hash (OWASP's m=19456, t=2 set); two hashers. Unbounded, 200 concurrent
    // sign-ins hash at once and take gigabytes; bounded, peak memory stays near the baseline.
    let app = TestApp::spawn_with(&[
        ("BRIGADE_AUTH__ARGON2__MEMORY_KIB", "19456"),
        ("BRIGADE_AUTH__ARGON2__ITERATIONS", "2"),
        ("BRIGADE_AUTH__HASHING_CONCURRENCY", "2"),
        ("BRIGADE_AUTH__HASHING_QUEUE_MS", "1000"),
        ("BRIGADE_AUTH__LOGIN_MAX_FAILURES", "1000"),
    ])
    .await;
    app.register("crowd@example.com").await;
    let attempts = (0..200).map(|_| app.login("crowd@example.com", PASSWORD));
    let results = futures_util::future::join_all(attempts).await;
    let (mut signed_in, mut busy) = (0, 0);
    for r in &results {
        match r.status {
            200 => signed_in += 1,
            503 => {
                r.problem(503);
                assert!(r.header("retry-after").is_some(), "503 says when to retry");
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", r.body),
        }
    }
    assert!(signed_in > 0, "some sign-ins get through");
    assert_eq!(signed_in + busy, 200);
    // Documented bound (README, "Sign-in under load"): 256 MiB for the whole process.
    let peak = peak_rss_mib();
    assert!(peak < 256, "peak RSS {peak} MiB");
}

/// The argon2 hash an account's password is stored as.
async fn stored_hash(app: &TestApp, email: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Stored {
        #[diesel(sql_type = diesel::sql_types::Text)]
        password_hash: String,
    }
    // The test's own address: nothing to escape.
    app.sql_row::<Stored>(format!(
        "SELECT password_hash FROM identity_users WHERE email = '{email}'"
    ))
    .await
    .password_hash
}

#[actix_web::test]
async fn signing_in_remakes_a_hash_made_with_older_argon2_settings() {
    let before = TestApp::spawn().await;
    let email = "upgrade@example.com";
    assert_eq!(before.register(email).await.status, 201);
    let old = stored_hash(&before, email).await;
    assert!(old.contains("$m=64,t=1,p=1$"), "{old}");

    // The operator raises the cost: the same database, new settings.
    let after = before
        .spawn_beside(&[
            ("BRIGADE_AUTH__ARGON2__MEMORY_KIB", "128"),
            ("BRIGADE_AUTH__ARGON2__ITERATIONS", "2"),
        ])
        .await;
    assert_eq!(after.login(email, "not the password").await.status, 401);
    assert_eq!(
        stored_hash(&after, email).await,
        old,
        "a wrong password changes nothing"
    );

    let signed_in = after.login(email, PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    let remade = stored_hash(&after, email).await;
    assert!(remade.contains("$m=128,t=2,p=1$"), "{remade}");

    // The same password: its sessions stay good, and it signs in as before.
    let token = signed_in.body["access_token"].as_str().unwrap();
    assert_eq!(after.get("/v1/me", Some(token)).await.status, 200);
    assert_eq!(after.login(email, PASSWORD).await.status, 200);
    assert_eq!(
        stored_hash(&after, email).await,
        remade,
        "a current hash is left alone"
    );
}
