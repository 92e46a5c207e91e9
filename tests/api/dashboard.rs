//! The operator dashboard in a real headless Chromium (driven over WebDriver by
//! chromedriver): sign in as an admin, open the page, see the charts drawn from real usage.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use brigade::modules::identity::api::Role;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp};

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
        let port = crate::support::vacant_port();
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
    // Access tokens that live 5 s: the page must renew its own to stay signed in.
    let app = TestApp::spawn_with(&[("BRIGADE_AUTH__ACCESS_TOKEN_TTL_SECS", "5")]).await;
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
               operation_legend: [...document.querySelectorAll('#legend-operations li')].map(l => l.textContent),
               error_legend: [...document.querySelectorAll('#legend-errors li')].map(l => l.textContent),
               latency_legend: [...document.querySelectorAll('#legend-latency li')].map(l => l.textContent),
               requests: document.getElementById('stat-requests').textContent,
               server_errors: document.getElementById('stat-server-errors').textContent,
               refused: document.getElementById('stat-client-errors').textContent,
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
    // Failures (5xx) and refusals (4xx) apart: the 404 and 403 above are not an outage.
    assert_eq!(seen["errors"], 2, "{seen}");
    assert_eq!(seen["error_legend"], json!(["5xx %", "4xx %"]), "{seen}");
    assert_eq!(seen["server_errors"], "0.0 %", "{seen}");
    assert_ne!(seen["refused"], "0.0 %", "{seen}");
    assert!(
        seen["latency_legend"][1]
            .as_str()
            .unwrap()
            .contains("estimated"),
        "{seen}"
    );
    assert_eq!(seen["latency"], 2, "{seen}");
    let legend: Vec<&str> = seen["legend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    // People, not ids: callers by name, and no route patterns of non-API pages.
    assert!(legend.contains(&"anonymous (by address)"), "{legend:?}");
    assert!(legend.contains(&"API key of Test User"), "{legend:?}");
    assert!(
        legend
            .iter()
            .all(|l| !l.contains("usr_") && !l.contains("key_")),
        "{legend:?}"
    );
    let operation_legend = seen["operation_legend"].to_string();
    assert!(
        operation_legend.contains("GET /v1/menu"),
        "{operation_legend}"
    );
    assert!(!operation_legend.contains("{_:"), "{operation_legend}");
    assert!(
        seen["requests"].as_str().unwrap().parse::<u64>().unwrap() >= 12,
        "{seen}"
    );
    assert_eq!(seen["modules"], 9);
    assert!(seen["operations_listed"].as_u64().unwrap() > 40);
    assert!(seen["events"].as_u64().unwrap() > 15);
    assert!(seen["outbox"].as_u64().unwrap() > 10);
    assert_eq!(
        seen["login_shown"], false,
        "the sign-in form is out of the way"
    );
    assert_eq!(seen["swatches"], seen["legend"].as_array().unwrap().len());

    // The week's axis: one date a day, in order.
    driver
        .run("const w = document.getElementById('window'); w.value = '168'; w.dispatchEvent(new Event('change')); return true")
        .await;
    driver
        .wait_for("return document.body.dataset.state === 'ready' && document.querySelectorAll('#chart-callers text.tick').length >= 6")
        .await;
    let ticks = driver
        .run("return [...document.querySelectorAll('#chart-callers text.tick')].map(t => [t.textContent, t.dataset.slot])")
        .await;
    let ticks = ticks.as_array().unwrap();
    assert!((6..=8).contains(&ticks.len()), "{ticks:?}");
    for pair in ticks.windows(2) {
        assert!(
            pair[0][1].as_str() < pair[1][1].as_str(),
            "ticks in time order: {ticks:?}"
        );
    }
    for tick in ticks {
        let (label, slot) = (tick[0].as_str().unwrap(), tick[1].as_str().unwrap());
        assert_eq!(label, &slot[5..10], "a date label: {tick}");
    }

    // The access token (5 s) is renewed by the page itself, and the page keeps working.
    let first = driver
        .run("return sessionStorage.getItem('brigade.token')")
        .await;
    driver
        .wait_for(&format!(
            "return sessionStorage.getItem('brigade.token') !== {first}"
        ))
        .await;
    actix_web::rt::time::sleep(Duration::from_secs(6)).await;
    driver.click("#refresh").await;
    driver
        .wait_for("return document.body.dataset.state === 'ready'")
        .await;

    // A 390 px phone: nothing wider than the screen (wide tables scroll in their box).
    driver
        .call("POST", "/window/rect", json!({"width": 390, "height": 844}))
        .await;
    let width = driver
        .run("return [window.innerWidth, document.documentElement.scrollWidth]")
        .await;
    assert!(
        width[0].as_u64().unwrap() <= 400,
        "the window is a phone's: {width}"
    );
    assert!(
        width[1].as_u64().unwrap() <= width[0].as_u64().unwrap(),
        "the page is wider than the window: {width}"
    );

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
