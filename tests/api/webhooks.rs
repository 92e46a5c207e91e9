//! Partner webhooks: registration, Standard Webhooks signatures checked by the independent
//! `standardwebhooks` Python package, retries, 3xx and 410 handling, rotation, SSRF refusals.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::support::Cafe;

/// A Python with `standardwebhooks` installed: a venv under `target/`, made once (guarded by
/// a lock directory, as tests run in parallel processes).
fn python() -> PathBuf {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let venv = target.join("webhook-test-venv");
    let python = venv.join("bin/python");
    let ready = venv.join("ready");
    let lock = target.join("webhook-test-venv.lock");
    let deadline = Instant::now() + Duration::from_secs(300);
    while !ready.exists() {
        if std::fs::create_dir_all(&target).is_ok() && std::fs::create_dir(&lock).is_ok() {
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success())
                && Command::new(venv.join("bin/pip"))
                    .args(["install", "--quiet", "--disable-pip-version-check"])
                    .arg("standardwebhooks==1.0.0")
                    .status()
                    .is_ok_and(|s| s.success());
            if made {
                std::fs::write(&ready, "").unwrap();
            }
            let _ = std::fs::remove_dir(&lock);
            assert!(made, "could not install standardwebhooks from PyPI");
        } else {
            assert!(
                Instant::now() < deadline,
                "waited too long for {}",
                venv.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    python
}

/// The Python receiver (tests/support/webhook_receiver.py) on an ephemeral loopback port.
struct Receiver {
    port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

impl Receiver {
    fn start(statuses: &str) -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/webhook_receiver.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(dir.path().join("secrets"))
            .arg(dir.path().join("log.jsonl"))
            .arg(statuses)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the receiver starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the receiver prints its port");
        Receiver { port, child, dir }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/brigade", self.port)
    }

    fn trust(&self, secrets: &[&str]) {
        std::fs::write(self.dir.path().join("secrets"), secrets.join("\n")).unwrap();
    }

    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(self.dir.path().join("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits until `n` requests arrived (10 s at most).
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let seen = self.requests();
            if seen.len() >= n {
                return seen;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} requests: {seen:?}",
                seen.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Development mode (plain http to loopback), quick retries.
const DEVELOPMENT: &[(&str, &str)] = &[
    ("BRIGADE_WEBHOOKS__ALLOW_INSECURE_LOOPBACK", "true"),
    ("BRIGADE_WEBHOOKS__RETRY_SCHEDULE_MS", "50,50,50"),
    ("BRIGADE_WEBHOOKS__POLL_INTERVAL_MS", "20"),
];

async fn cafe() -> Cafe {
    Cafe::open_with(DEVELOPMENT).await
}

async fn register(cafe: &Cafe, url: &str, types: &[&str]) -> Value {
    let res = cafe
        .app
        .post(
            "/v1/webhooks/endpoints",
            Some(&cafe.staff),
            json!({"url": url, "event_types": types, "description": "POS"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body
}

async fn deliveries(cafe: &Cafe, endpoint: &str, done: impl Fn(&Value) -> bool) -> Value {
    cafe.app
        .eventually(
            &format!("/v1/webhooks/endpoints/{endpoint}/deliveries"),
            Some(&cafe.staff),
            done,
        )
        .await
}

/// An order's status change with nothing following it (the kitchen starting it) goes out at
/// once, like every other event, not at the dispatcher's next look for other replicas' events.
#[actix_web::test]
async fn an_order_started_in_the_kitchen_goes_out_at_once() {
    let looks_once_a_minute = [
        DEVELOPMENT,
        &[("BRIGADE_EVENTS__POLL_INTERVAL_MS", "60000")],
    ];
    let cafe = Cafe::open_with(&looks_once_a_minute.concat()).await;
    let receiver = Receiver::start("204");
    let endpoint = register(&cafe, &receiver.url(), &["order.status_changed"]).await;
    receiver.trust(&[endpoint["secret"].as_str().unwrap()]);
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap();
    let paid = cafe.pay(&cafe.customer, order_id, "k1", "tok_ok").await;
    assert_eq!(paid.status, 201);
    let ticket = cafe.ticket_of(order_id).await;
    let (ticket_id, line_id) = (ticket["id"].as_str().unwrap(), &ticket["lines"][0]["id"]);
    let started = cafe
        .app
        .post(
            &format!(
                "/v1/kitchen/tickets/{ticket_id}/lines/{}/start",
                line_id.as_str().unwrap()
            ),
            Some(&cafe.cook),
            json!({}),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);

    // Deliveries to one endpoint run side by side, so they may arrive in either order.
    let mut statuses: Vec<String> = receiver
        .wait_for(2)
        .await
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
            body["data"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["in_preparation", "paid"]);
}

#[actix_web::test]
async fn deliveries_are_signed_per_standard_webhooks() {
    signed_deliveries(cafe().await).await;
}

/// Events from the ordering module's process reach the webhooks module's process over
/// JetStream, and its worker delivers them as in the monolith.
#[actix_web::test]
async fn deliveries_are_signed_per_standard_webhooks_with_every_module_in_its_own_process() {
    signed_deliveries(Cafe::split_with(DEVELOPMENT).await).await;
}

async fn signed_deliveries(cafe: Cafe) {
    let receiver = Receiver::start("204");
    let endpoint = register(&cafe, &receiver.url(), &["order.placed", "order.paid"]).await;
    let secret = endpoint["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    receiver.trust(&[secret]);
    let listed = cafe
        .app
        .get("/v1/webhooks/endpoints", Some(&cafe.staff))
        .await;
    assert_eq!(listed.body["data"][0]["status"], "active");
    assert!(
        listed.body["data"][0].get("secret").is_none(),
        "shown once only"
    );

    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let order_id = order["id"].as_str().unwrap();
    assert_eq!(
        cafe.pay(&cafe.customer, order_id, "k1", "tok_ok")
            .await
            .status,
        201
    );

    let got = receiver.wait_for(2).await;
    let types: Vec<&str> = got
        .iter()
        .map(|r| {
            assert_eq!(r["verified"], json!([true]), "{r}");
            assert!(
                r["headers"]["webhook-id"]
                    .as_str()
                    .unwrap()
                    .starts_with("msg_")
            );
            assert_eq!(r["headers"]["content-type"], "application/json");
            let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
            assert_eq!(body["data"]["order_id"], order_id);
            assert!(body["timestamp"].is_string());
            match body["type"].as_str().unwrap() {
                "order.placed" => "order.placed",
                "order.paid" => "order.paid",
                other => panic!("not subscribed to {other}"),
            }
        })
        .collect();
    assert!(types.contains(&"order.placed") && types.contains(&"order.paid"));

    let id = endpoint["id"].as_str().unwrap();
    let log = deliveries(&cafe, id, |p| {
        p["data"]
            .as_array()
            .is_some_and(|d| d.len() == 2 && d.iter().all(|x| x["status"] == "succeeded"))
    })
    .await;
    assert_eq!(log["data"][0]["attempts"][0]["status_code"], 204);
}

#[actix_web::test]
async fn failures_and_redirects_are_retried_with_the_same_webhook_id() {
    let cafe = cafe().await;
    let receiver = Receiver::start("500,302,200");
    let endpoint = register(&cafe, &receiver.url(), &["order.placed"]).await;
    receiver.trust(&[endpoint["secret"].as_str().unwrap()]);
    cafe.order(&cafe.customer, json!({"type": "pickup"})).await;

    let got = receiver.wait_for(3).await;
    let ids: Vec<&Value> = got.iter().map(|r| &r["headers"]["webhook-id"]).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    assert!(got.iter().all(|r| r["verified"] == json!([true])));
    let log = deliveries(&cafe, endpoint["id"].as_str().unwrap(), |p| {
        p["data"][0]["status"] == "succeeded"
    })
    .await;
    let codes: Vec<&Value> = log["data"][0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(302), &json!(200)]);
    assert_eq!(log["data"][0]["id"], *ids[0]);

    // An operator can send it again: same id, once more.
    let again = cafe
        .app
        .post(
            &format!(
                "/v1/webhooks/deliveries/{}/redeliver",
                ids[0].as_str().unwrap()
            ),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let got = receiver.wait_for(4).await;
    assert_eq!(got[3]["headers"]["webhook-id"], *ids[0]);
}

#[actix_web::test]
async fn retries_end_after_the_schedule_and_410_disables_the_endpoint() {
    let cafe = cafe().await;
    let failing = Receiver::start("503");
    let endpoint = register(&cafe, &failing.url(), &["order.placed"]).await;
    cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let log = deliveries(&cafe, endpoint["id"].as_str().unwrap(), |p| {
        p["data"][0]["status"] == "failed"
    })
    .await;
    // Once, then once per schedule entry (3).
    assert_eq!(log["data"][0]["attempts"].as_array().unwrap().len(), 4);
    assert_eq!(failing.requests().len(), 4);

    let gone = Receiver::start("410");
    let endpoint = register(&cafe, &gone.url(), &["order.placed"]).await;
    let id = endpoint["id"].as_str().unwrap().to_owned();
    cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    gone.wait_for(1).await;
    let list = cafe
        .app
        .eventually("/v1/webhooks/endpoints", Some(&cafe.staff), |l| {
            l["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["id"] == id.as_str() && e["status"] == "disabled")
        })
        .await;
    let disabled = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id.as_str())
        .unwrap();
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410")
    );
    let log = deliveries(&cafe, &id, |p| p["data"][0]["status"] == "failed").await;
    assert_eq!(
        log["data"][0]["attempts"].as_array().unwrap().len(),
        1,
        "no retry after 410"
    );
    let delivery = log["data"][0]["id"].as_str().unwrap();
    cafe.app
        .post(
            &format!("/v1/webhooks/deliveries/{delivery}/redeliver"),
            Some(&cafe.staff),
            json!({}),
        )
        .await
        .problem(409);
}

#[actix_web::test]
async fn rotation_signs_with_both_secrets_during_the_overlap() {
    let cafe = cafe().await;
    let receiver = Receiver::start("200");
    let endpoint = register(&cafe, &receiver.url(), &["order.placed"]).await;
    let old = endpoint["secret"].as_str().unwrap().to_owned();
    let rotated = cafe
        .app
        .post(
            &format!(
                "/v1/webhooks/endpoints/{}/rotate-secret",
                endpoint["id"].as_str().unwrap()
            ),
            Some(&cafe.staff),
            json!({}),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated.body["previous_secret_expires_at"].is_string());
    receiver.trust(&[&old, &new]);
    cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0]["verified"], json!([true, true]));
    let signatures = got[0]["headers"]["webhook-signature"].as_str().unwrap();
    assert_eq!(signatures.split(' ').count(), 2);
}

#[actix_web::test]
async fn unsafe_urls_are_refused_naming_the_field() {
    // The default: https only, public addresses only.
    let cafe = Cafe::open().await;
    for url in [
        "http://hooks.example.com/",
        "https://127.0.0.1/",
        "https://2130706433/",
        "https://0x7f000001/",
        "https://[::ffff:127.0.0.1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.8/",
        "https://[::]/",
        "https://localhost/",
        "ftp://example.com/",
    ] {
        let res = cafe
            .app
            .post(
                "/v1/webhooks/endpoints",
                Some(&cafe.staff),
                json!({"url": url, "event_types": ["order.paid"]}),
            )
            .await;
        let problem = res.problem(422);
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }
    let unknown = cafe
        .app
        .post(
            "/v1/webhooks/endpoints",
            Some(&cafe.staff),
            json!({"url": "https://hooks.example.com/", "event_types": ["order.eaten"]}),
        )
        .await;
    assert_eq!(unknown.problem(422)["errors"][0]["field"], "event_types[0]");
    cafe.app
        .post(
            "/v1/webhooks/endpoints",
            Some(&cafe.customer),
            json!({"url": "https://hooks.example.com/", "event_types": ["order.paid"]}),
        )
        .await
        .problem(403);
}

#[actix_web::test]
async fn endpoints_belong_to_their_owner() {
    let cafe = cafe().await;
    let receiver = Receiver::start("200");
    let endpoint = register(&cafe, &receiver.url(), &["order.paid"]).await;
    let id = endpoint["id"].as_str().unwrap();
    // The admin is someone else: not their endpoint.
    cafe.app
        .delete(&format!("/v1/webhooks/endpoints/{id}"), Some(&cafe.admin))
        .await
        .problem(404);
    cafe.app
        .get(
            &format!("/v1/webhooks/endpoints/{id}/deliveries"),
            Some(&cafe.admin),
        )
        .await
        .problem(404);
    let deleted = cafe
        .app
        .delete(&format!("/v1/webhooks/endpoints/{id}"), Some(&cafe.staff))
        .await;
    assert_eq!(deleted.status, 204);
    let list = cafe
        .app
        .get("/v1/webhooks/endpoints", Some(&cafe.staff))
        .await;
    assert_eq!(list.body["data"], json!([]));
}

#[actix_web::test]
async fn integrators_read_the_event_catalogue_and_the_document_describes_each_webhook() {
    let app = crate::support::TestApp::spawn().await;
    app.get("/v1/webhooks/event-types", None).await.problem(401);
    let customer = app.customer_token("integrator@example.com").await;
    let catalogue = app.get("/v1/webhooks/event-types", Some(&customer)).await;
    assert_eq!(catalogue.status, 200, "{}", catalogue.body);
    let listed: Vec<String> = catalogue.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap().to_owned())
        .collect();
    let paid = catalogue.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event_type"] == "order.paid")
        .expect("order.paid is in the catalogue");
    assert!(
        paid["data_schema"]["properties"]["order_id"].is_object(),
        "{paid}"
    );

    // The document's `webhooks` section: one entry per event, as receivers get it.
    let doc = app.get("/openapi.json", None).await.body;
    let hooks = doc["webhooks"].as_object().expect("a webhooks section");
    let mut described: Vec<String> = hooks.keys().cloned().collect();
    let mut expected = listed.clone();
    described.sort();
    expected.sort();
    assert_eq!(described, expected);
    let body = &hooks["order.paid"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(
        body["required"],
        serde_json::json!(["type", "timestamp", "data"])
    );
    assert_eq!(
        body["properties"]["type"]["enum"],
        serde_json::json!(["order.paid"])
    );
}

/// A receiver that answers 204 after `delay`, counting what it received and the most
/// requests it held at once.
struct SlowReceiver {
    port: u16,
    holding: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    received: Arc<AtomicUsize>,
    server: actix_web::dev::ServerHandle,
}

impl SlowReceiver {
    fn start(delay: Duration) -> SlowReceiver {
        let counters = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        let (holding, peak, received) = counters.clone();
        let server = HttpServer::new(move || {
            let (holding, peak, received) = counters.clone();
            App::new().default_service(web::to(move || {
                let (holding, peak, received) = (holding.clone(), peak.clone(), received.clone());
                async move {
                    let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    actix_web::rt::time::sleep(delay).await;
                    holding.fetch_sub(1, Ordering::SeqCst);
                    received.fetch_add(1, Ordering::SeqCst);
                    HttpResponse::NoContent().finish()
                }
            }))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        SlowReceiver {
            port,
            holding,
            peak,
            received,
            server: handle,
        }
    }
}

#[actix_web::test]
async fn a_slow_receiver_gets_deliveries_in_parallel_up_to_its_endpoint_s_limit() {
    let cafe = Cafe::open_with(
        &[
            DEVELOPMENT,
            &[("BRIGADE_WEBHOOKS__MAX_IN_FLIGHT_PER_ENDPOINT", "4")],
        ]
        .concat(),
    )
    .await;
    let receiver = SlowReceiver::start(Duration::from_secs(1));
    let url = format!("http://127.0.0.1:{}/hooks", receiver.port);
    register(&cafe, &url, &["order.placed"]).await;
    // Four customers (one may hold five unpaid orders), three orders each.
    for n in 0..4 {
        let customer = cafe.app.customer_token(&format!("c{n}@example.com")).await;
        for _ in 0..3 {
            cafe.order(&customer, json!({"type": "pickup"})).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.received.load(Ordering::SeqCst) < 12 {
        assert!(Instant::now() < deadline, "not every delivery arrived");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let peak = receiver.peak.load(Ordering::SeqCst);
    assert!(
        (2..=4).contains(&peak),
        "at most 4 at once to one endpoint, and more than one: {peak}"
    );
    assert_eq!(receiver.holding.load(Ordering::SeqCst), 0);
    receiver.server.stop(false).await;
}

/// Order platforms stop sending orders when a venue pauses: they hear it by webhook.
#[actix_web::test]
async fn partners_hear_when_a_venue_is_paused() {
    let cafe = Cafe::open_with(DEVELOPMENT).await;
    let receiver = Receiver::start("204");
    let endpoint = register(&cafe, &receiver.url(), &["venue.state_changed"]).await;
    receiver.trust(&[endpoint["secret"].as_str().unwrap()]);
    let paused = cafe
        .app
        .put(
            "/v1/venues/ven_default/state",
            Some(&cafe.staff),
            json!({"mode": "paused"}),
        )
        .await;
    assert_eq!(paused.status, 200, "{}", paused.body);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0]["verified"], json!([true]));
    let body: Value = serde_json::from_str(got[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "venue.state_changed");
    assert_eq!(body["data"]["venue_id"], "ven_default");
    assert_eq!(body["data"]["state"]["mode"], "paused");
}

#[actix_web::test]
async fn partners_hear_when_an_item_sells_out_and_when_it_comes_back_by_itself() {
    let cafe = Cafe::open_with(DEVELOPMENT).await;
    let receiver = Receiver::start("204");
    let endpoint = register(&cafe, &receiver.url(), &["catalog.availability_changed"]).await;
    receiver.trust(&[endpoint["secret"].as_str().unwrap()]);
    let sold_out = cafe
        .app
        .put(
            &format!("/v1/catalog/items/{}/sold-out", cafe.croissant),
            Some(&cafe.staff),
            json!({"until": chrono::Utc::now() + chrono::TimeDelta::seconds(1)}),
        )
        .await;
    assert_eq!(sold_out.status, 200, "{}", sold_out.body);
    let got = receiver.wait_for(2).await;
    let bodies: Vec<Value> = got
        .iter()
        .map(|g| serde_json::from_str(g["body"].as_str().unwrap()).unwrap())
        .collect();
    assert!(
        bodies
            .iter()
            .all(|b| b["type"] == "catalog.availability_changed")
    );
    assert!(
        bodies
            .iter()
            .all(|b| b["data"]["item_id"] == cafe.croissant)
    );
    let available: Vec<&Value> = bodies.iter().map(|b| &b["data"]["available"]).collect();
    assert_eq!(available, [&json!(false), &json!(true)]);
    assert_eq!(
        bodies[0]["data"]["sold_out_until"],
        sold_out.body["sold_out_until"]
    );
}
