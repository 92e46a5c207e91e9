//! The `brigade` binary itself: subcommands, configuration errors, piping a password.

use std::io::Write;
use std::process::{Command, Stdio};

use brigade::platform::db::MigrationScope;

use crate::support::{PASSWORD, TestApp};

fn brigade() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_brigade"));
    cmd.env_remove("DATABASE_URL")
        .env("BRIGADE_AUTH__ARGON2__MEMORY_KIB", "64")
        .env("BRIGADE_AUTH__ARGON2__ITERATIONS", "1")
        .env("RUST_LOG", "warn");
    cmd
}

#[test]
fn openapi_subcommand_prints_yaml() {
    let out = brigade().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("openapi: 3."));
    assert!(text.contains("/v1/menu:"));
}

#[test]
fn modules_subcommand_prints_the_module_map() {
    let out = brigade().arg("modules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("```mermaid\nflowchart LR\n"));
    assert!(text.contains("| `order.paid` | 1 | ordering | catalog, kitchen, webhooks |"));
}

#[test]
fn help_explains_each_subcommand() {
    let out = brigade().arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for sub in [
        "serve", "migrate", "openapi", "modules", "users", "--config",
    ] {
        assert!(text.contains(sub), "--help mentions {sub}");
    }
    let out = brigade().args(["serve", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--bind") && text.contains("--demo"));
}

#[test]
fn invalid_configuration_stops_start_up_naming_the_key() {
    let out = brigade()
        .args(["migrate"])
        .env("BRIGADE_SERVER__BODY_LIMIT_BYTES", "lots")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("server.body_limit_bytes"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("brigade.toml");
    std::fs::write(&file, "[database]\nurl = \"mysql://nope\"\n").unwrap();
    let out = brigade()
        .arg("--config")
        .arg(&file)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("database.url")
    );

    let out = brigade()
        .args(["--config", "/does/not/exist.toml", "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn a_stray_brigade_variable_is_named_in_the_error() {
    // BRIGADE_URL is what client scripts export for the server's address.
    let out = brigade()
        .args(["migrate"])
        .env("BRIGADE_URL", "http://127.0.0.1:8080")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("BRIGADE_URL"), "{err}");
}

#[actix_web::test]
async fn users_add_reads_the_password_from_stdin_and_the_account_can_sign_in() {
    let app = TestApp::spawn().await;
    // Reuse the test database by pointing the CLI at the same URL the app uses.
    let url = app.database_url.clone();
    let mut child = brigade()
        .args([
            "users",
            "add",
            "--email",
            "Owner@Example.com",
            "--role",
            "admin",
        ])
        .env("DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("owner@example.com"));

    let res = app.login("owner@example.com", PASSWORD).await;
    assert_eq!(res.status, 200);
    let me = app.get("/v1/me", res.body["access_token"].as_str()).await;
    assert!(
        me.body["roles"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("admin"))
    );

    let out = brigade()
        .args([
            "users",
            "add",
            "--email",
            "x@example.com",
            "--role",
            "emperor",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn migrate_creates_the_sqlite_file_and_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/dir/brigade.db");
    let out = brigade()
        .arg("migrate")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists());
}

/// A `brigade serve` child on a free port, with every line it logs.
struct Served {
    child: std::process::Child,
    port: u16,
    lines: std::sync::mpsc::Receiver<String>,
}

/// Starts `brigade serve` on a free port with JSON logs on a pipe (not a terminal).
fn serve_in_background(env: &[(&str, &str)]) -> Served {
    use std::io::BufRead;
    let mut cmd = brigade();
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .env("BRIGADE_LOG__FORMAT", "auto")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let port = loop {
        let line = lines
            .recv_timeout(deadline - std::time::Instant::now())
            .expect("brigade announces its port");
        let v: serde_json::Value =
            serde_json::from_str(&line).expect("log lines are JSON off a terminal");
        if v["message"] == "brigade is serving" {
            break v["port"].as_u64().unwrap() as u16;
        }
    };
    Served { child, port, lines }
}

fn sigterm(child: &std::process::Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
}

#[actix_web::test]
async fn access_log_has_one_json_line_per_request_with_principal_and_never_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("b.db").display());
    let mut served = serve_in_background(&[("DATABASE_URL", &url)]);
    let base = format!("http://127.0.0.1:{}", served.port);
    let client = awc::Client::default();
    let creds =
        serde_json::json!({"email": "log@example.com", "password": PASSWORD, "name": "Log"});
    let mut res = client
        .post(format!("{base}/v1/auth/register"))
        .send_json(&creds)
        .await
        .unwrap();
    let user: serde_json::Value = res.json().await.unwrap();
    let login = serde_json::json!({"email": "log@example.com", "password": PASSWORD});
    let mut res = client
        .post(format!("{base}/v1/auth/login"))
        .send_json(&login)
        .await
        .unwrap();
    let tokens: serde_json::Value = res.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let res = client
        .get(format!("{base}/v1/me"))
        .insert_header(("Authorization", format!("Bearer {access}")))
        .insert_header(("X-Request-Id", "log-test-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    sigterm(&served.child);
    assert!(served.child.wait().unwrap().success());
    let lines: Vec<String> = served.lines.try_iter().collect();
    for line in &lines {
        assert!(
            !line.contains(&access),
            "a token leaked into the logs: {line}"
        );
        assert!(!line.contains(tokens["refresh_token"].as_str().unwrap()));
        assert!(
            !line.contains(PASSWORD),
            "a password leaked into the logs: {line}"
        );
    }
    let access_lines: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "access")
        .collect();
    assert_eq!(access_lines.len(), 3, "one line per request");
    let me = access_lines
        .iter()
        .find(|v| v["request_id"] == "log-test-1")
        .unwrap();
    assert_eq!(me["method"], "GET");
    assert_eq!(me["route"], "/v1/me");
    assert_eq!(me["status"], 200);
    assert_eq!(me["principal"], user["id"]);
    assert!(me["latency_ms"].as_f64().is_some());
    assert_eq!(access_lines[0]["principal"], "anonymous");
}

#[actix_web::test]
async fn sigterm_drains_in_flight_requests_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("b.db").display());
    // Expensive hashing keeps a sign-in in flight long enough to stop the server under it.
    let Served {
        mut child, port, ..
    } = serve_in_background(&[
        ("DATABASE_URL", &url),
        ("BRIGADE_AUTH__ARGON2__MEMORY_KIB", "65536"),
        ("BRIGADE_AUTH__ARGON2__ITERATIONS", "20"),
    ]);
    let in_flight = actix_web::rt::spawn(async move {
        let started = std::time::Instant::now();
        // A loaded CI machine may hash for many seconds; the default 5 s client timeout
        // would cut off the very request this test wants answered.
        let res = awc::Client::builder()
            .timeout(std::time::Duration::from_secs(120))
            .finish()
            .post(format!("http://127.0.0.1:{port}/v1/auth/login"))
            .send_json(&serde_json::json!({"email": "nobody@example.com", "password": "not-a-real-password"}))
            .await
            .map(|r| r.status().as_u16());
        (res, started.elapsed())
    });
    // Long enough for the request to reach the server on a loaded machine; hashing takes
    // far longer.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(400)).await;
    sigterm(&child);

    let (status, took) = in_flight.await.unwrap();
    assert_eq!(
        status.expect("the in-flight request is answered, not cut off"),
        401
    );
    assert!(
        took > std::time::Duration::from_millis(400),
        "the request was still running at SIGTERM"
    );
    let exit = child.wait().unwrap();
    assert!(
        exit.success(),
        "brigade exits cleanly after draining: {exit:?}"
    );
}

#[actix_web::test]
async fn an_open_event_stream_ends_promptly_on_sigterm() {
    use futures_util::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("b.db").display());
    let Served {
        mut child, port, ..
    } = serve_in_background(&[("DATABASE_URL", &url)]);
    let base = format!("http://127.0.0.1:{port}");
    let client = awc::Client::default();
    let creds = serde_json::json!({"email": "sse@example.com", "password": PASSWORD, "name": "S"});
    client
        .post(format!("{base}/v1/auth/register"))
        .send_json(&creds)
        .await
        .unwrap();
    let bearer = sign_in(&base, "sse@example.com").await;
    // A customer's own order stream: it needs an order, which needs a menu item.
    let item = serve_staff_item(&base, &url).await;
    let order: serde_json::Value = client
        .post(format!("{base}/v1/orders"))
        .insert_header(("Authorization", bearer.clone()))
        .send_json(&serde_json::json!({"lines": [{"item_id": item, "quantity": 1}], "fulfillment": {"type": "pickup"}}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = order["id"].as_str().unwrap_or_else(|| panic!("{order}"));
    let mut stream = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(120))
        .finish()
        .get(format!("{base}/v1/orders/{id}/stream"))
        .insert_header(("Authorization", bearer))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    // The snapshot arrives: the stream is live.
    stream.next().await.unwrap().unwrap();

    let stopped_at = std::time::Instant::now();
    sigterm(&child);
    let exit = actix_web::rt::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let took = stopped_at.elapsed();
    assert!(exit.success(), "{exit:?}");
    // The default grace period is 30 s; an open stream must not hold it up.
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
}

/// Signs in an admin made with `brigade users add` and creates one menu item; its id.
async fn serve_staff_item(base: &str, url: &str) -> String {
    let mut add = brigade()
        .args([
            "users",
            "add",
            "--email",
            "boss@example.com",
            "--role",
            "admin",
        ])
        .env("DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());
    let client = awc::Client::default();
    let bearer = sign_in(base, "boss@example.com").await;
    let category: serde_json::Value = client
        .post(format!("{base}/v1/catalog/categories"))
        .insert_header(("Authorization", bearer.clone()))
        .send_json(&serde_json::json!({"name": "Coffee"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let item: serde_json::Value = client
        .post(format!("{base}/v1/catalog/items"))
        .insert_header(("Authorization", bearer))
        .send_json(
            &serde_json::json!({"category_id": category["id"], "name": "Espresso",
            "price": 200, "currency": "EUR", "station": "bar"}),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    item["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn serve_help_tells_the_demo_menu_as_it_is() {
    let out = brigade().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let app = TestApp::spawn().await;
    let items = app.load_demo().await;
    // Every category, breakfast included whatever the hour.
    let listed = app.get("/v1/catalog/categories?limit=100", None).await.body;
    let categories = listed["data"].as_array().unwrap().len();
    let said = format!("{categories} categories, {items} items");
    assert!(
        help.contains(&said),
        "`serve --help` should say {said:?}: {help}"
    );
}

/// `Bearer <access token>` of an account of the served binary at `base`.
async fn sign_in(base: &str, email: &str) -> String {
    let login = serde_json::json!({"email": email, "password": PASSWORD});
    let tokens: serde_json::Value = awc::Client::default()
        .post(format!("{base}/v1/auth/login"))
        .send_json(&login)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    format!("Bearer {}", tokens["access_token"].as_str().unwrap())
}

#[test]
fn migrate_can_address_a_subset_of_modules() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kitchen.db").display());
    let out = brigade()
        .args(["migrate", "--modules", "kitchen"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let settings = crate::support::test_settings(&url);
    let rt = actix_web::rt::System::new();
    rt.block_on(async {
        // Connecting for the kitchen alone finds nothing to do; the rest is still pending.
        let scope = brigade::app::migration_scope(&["kitchen".to_owned()]).unwrap();
        let db = brigade::platform::db::Db::connect_for(&settings.database, &scope).unwrap();
        assert!(db.check_ready(scope).await.is_ok());
        assert!(db.check_ready(MigrationScope::All).await.is_err());
    });

    let out = brigade()
        .args(["migrate", "--modules", "kitchen,pantry"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\"pantry\" is no module"), "{err}");
}
