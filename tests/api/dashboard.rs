//! The operator dashboard in a real headless Chromium (driven over WebDriver by
//! chromedriver): sign in as an admin, open the page, see the charts drawn from real usage.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use brigade::modules::identity::api::Role;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian's chromium and chromedriver, installed once if missing (parallel test processes
/// take turns through a lock directory).
fn browser() {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/chromium-install.lock");
    let deadline = Instant::now() + Duration::from_secs(600);
    while !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
        let _ = std::fs::create_dir_all(lock.parent().unwrap());
        if std::fs::create_dir(&lock).is_ok() {
            let installed = Command::new("apt-get")
                .args([
                    "install",
                    "-y",
                    "--no-install-recommends",
                    "chromium",
                    "chromium-driver",
                ])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .is_ok_and(|s| s.success());
            let _ = std::fs::remove_dir(&lock);
            assert!(
                installed,
                "install Debian's chromium and chromium-driver to run this test"
            );
        } else {
            assert!(
                Instant::now() < deadline,
                "waited too long for chromium to install"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: awc::Client,
}

impl Driver {
    async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut res) = http.get(format!("{base}/status")).send().await
                && res
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true)
            {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver never became ready");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let mut driver = Driver {
            child,
            base,
            session: String::new(),
            http,
        };
        let session = driver
            .call(
                "POST",
                "/session",
                json!({"capabilities": {"alwaysMatch": {
                "goog:chromeOptions": {"binary": CHROMIUM, "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1400,1800"]}}}}),
            )
            .await;
        driver.session = session["sessionId"].as_str().unwrap().to_owned();
        driver
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let req = match method {
            "POST" => self.http.post(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.get(url),
        };
        let mut res = if method == "POST" {
            req.send_json(&body).await
        } else {
            req.send().await
        }
        .expect("chromedriver answers");
        let value: Value = res.json().limit(64 * 1024 * 1024).await.unwrap();
        assert!(res.status().is_success(), "{method} {path}: {value}");
        value["value"].clone()
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        found["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({"text": text}),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call("POST", &format!("/element/{id}/click"), json!({}))
            .await;
    }

    async fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
        .await
    }

    async fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self.run(script).await;
            if v.as_bool() == Some(true) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "never true: {script}; page state {}",
                self.run("return document.body.dataset.state + ' ' + document.getElementById('login-error').textContent + ' ' + document.getElementById('updated').textContent").await
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn an_admin_signs_in_and_sees_usage_charts_inventory_and_outbox_health() {
    browser();
    let app = TestApp::spawn().await;
    app.token_with_role("ops@example.com", Role::Admin).await;
    // Traffic to chart: anonymous menu reads, a partner key, some errors.
    let owner = app.customer_token("partner@example.com").await;
    let key = app
        .post(
            "/v1/api-keys",
            Some(&owner),
            json!({"name": "pos", "scopes": ["orders:read"]}),
        )
        .await;
    let secret = key.body["secret"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        app.get("/v1/menu", None).await;
        app.get("/v1/orders", Some(&secret)).await;
    }
    app.get("/v1/orders/ord_missing", Some(&secret)).await;
    app.get("/v1/kitchen/tickets", Some(&secret)).await;

    let driver = Driver::start().await;
    driver
        .call("POST", "/url", json!({"url": app.url("/admin")}))
        .await;
    // A wrong password is refused on the page.
    driver.type_into("#email", "ops@example.com").await;
    driver.type_into("#password", "not-the-password").await;
    driver.click("#sign-in").await;
    driver
        .wait_for("return document.getElementById('login-error').textContent.length > 0")
        .await;
    driver
        .run("document.getElementById('password').value = ''; return true")
        .await;
    driver.type_into("#password", PASSWORD).await;
    driver.click("#sign-in").await;
    driver
        .wait_for("return document.body.dataset.state === 'ready'")
        .await;

    let seen = driver
        .run(
            "const q = (s) => document.querySelectorAll(s).length;
             return {
               callers: q('#chart-callers rect.bar'),
               operations: q('#chart-operations rect.bar'),
               errors: q('#chart-errors path.line'),
               latency: q('#chart-latency path.line'),
               legend: [...document.querySelectorAll('#legend-callers li')].map(l => l.textContent),
               requests: document.getElementById('stat-requests').textContent,
               error_rate: document.getElementById('stat-errors').textContent,
               modules: q('#modules tbody tr'),
               operations_listed: q('#operations tbody tr'),
               events: q('#events tbody tr'),
               outbox: q('#outbox tbody tr'),
               login_shown: document.getElementById('login').offsetParent !== null,
               swatches: [...document.querySelectorAll('#legend-callers i')]
                 .filter(i => getComputedStyle(i).backgroundColor !== 'rgba(0, 0, 0, 0)').length,
             };",
        )
        .await;
    assert!(seen["callers"].as_u64().unwrap() >= 2, "{seen}");
    assert!(seen["operations"].as_u64().unwrap() >= 2, "{seen}");
    assert_eq!(seen["errors"], 1, "{seen}");
    assert_eq!(seen["latency"], 2, "{seen}");
    let legend: Vec<&str> = seen["legend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(legend.contains(&"anonymous"), "{legend:?}");
    assert!(
        legend.iter().any(|l| l.starts_with("key key_")),
        "{legend:?}"
    );
    assert!(
        seen["requests"].as_str().unwrap().parse::<u64>().unwrap() >= 12,
        "{seen}"
    );
    assert_ne!(seen["error_rate"], "0.0 %");
    assert_eq!(seen["modules"], 8);
    assert!(seen["operations_listed"].as_u64().unwrap() > 40);
    assert!(seen["events"].as_u64().unwrap() > 15);
    assert!(seen["outbox"].as_u64().unwrap() > 10);
    assert_eq!(
        seen["login_shown"], false,
        "the sign-in form is out of the way"
    );
    assert_eq!(seen["swatches"], seen["legend"].as_array().unwrap().len());

    // Kept for people: what the page looked like.
    let png = driver.call("GET", "/screenshot", Value::Null).await;
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(png.as_str().unwrap())
        .unwrap();
    let _ = std::fs::write(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/dashboard.png"),
        bytes,
    );
    driver.call("DELETE", "", Value::Null).await;
}

#[actix_web::test]
async fn the_dashboard_ships_its_own_assets_under_a_strict_policy() {
    let app = TestApp::spawn().await;
    let page = app.get("/admin", None).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.raw.clone()).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no remote assets"
    );
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"));
    for (path, kind) in [
        ("/admin/app.js", "text/javascript"),
        ("/admin/style.css", "text/css"),
    ] {
        let res = app.get(path, None).await;
        assert_eq!(res.status, 200);
        assert!(res.header("content-type").unwrap().starts_with(kind));
    }
}
