//! Spawns a real Brigade (real HTTP server, real database) per test and talks HTTP to it.
//!
//! SQLite in a temporary directory always; PostgreSQL, in a fresh schema dropped afterwards,
//! when `TEST_DATABASE_URL` is set.

use std::time::Duration;

use awc::http::Method;
use brigade::app::Application;
use brigade::app::Settings;
use brigade::modules::identity::api::{NewUser, Role};
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

pub const PASSWORD: &str = "violet-teapot-harbour";

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub app_modules: brigade::app::Modules,
    client: awc::Client,
    /// Its database, dropped with it; `None` for a replica beside another app.
    _database: Option<Database>,
    /// Processes this one calls (modules hosted elsewhere), stopped with it.
    _companions: Vec<super::Host>,
}

pub struct Response {
    pub status: u16,
    pub headers: awc::http::header::HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Asserts a problem+json body with this status, and returns the body.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "problems are served as application/problem+json"
        );
        assert_eq!(self.body["status"], status);
        assert!(
            self.body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("https://"))
        );
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        assert!(
            self.body["instance"]
                .as_str()
                .is_some_and(|i| i.starts_with("urn:request:"))
        );
        &self.body
    }
}

/// Settings for a test server: port 0, fast argon2, a fixed JWT secret.
pub fn test_settings(database_url: &str) -> Settings {
    test_settings_with(database_url, &[])
}

/// [`test_settings`] plus extra `BRIGADE_...` variables.
pub fn test_settings_with(database_url: &str, extra: &[(&str, &str)]) -> Settings {
    let mut env = vec![
        ("DATABASE_URL".to_string(), database_url.to_string()),
        ("BRIGADE_SERVER__BIND".into(), "127.0.0.1:0".into()),
        ("BRIGADE_SERVER__WORKERS".into(), "2".into()),
        ("BRIGADE_DATABASE__POOL_SIZE".into(), "4".into()),
        (
            "BRIGADE_AUTH__JWT_SECRET".into(),
            "test-secret-test-secret-test-secret!".into(),
        ),
        ("BRIGADE_AUTH__ARGON2__MEMORY_KIB".into(), "64".into()),
        ("BRIGADE_AUTH__ARGON2__ITERATIONS".into(), "1".into()),
        ("BRIGADE_AUTH__LOGIN_MAX_FAILURES".into(), "5".into()),
        ("BRIGADE_CATALOG__MENU_CACHE_TTL_SECS".into(), "60".into()),
        ("BRIGADE_CATALOG__RESTOCK_INTERVAL_MS".into(), "100".into()),
        // Events move in milliseconds, retries too, so journeys finish quickly.
        // Limits are tested on their own (tests/api/rate_limits.rs); elsewhere they would
        // only make tests depend on timing.
        ("BRIGADE_RATE_LIMIT__ENABLED".into(), "false".into()),
        ("BRIGADE_EVENTS__POLL_INTERVAL_MS".into(), "20".into()),
        ("BRIGADE_EVENTS__RETRY_BASE_MS".into(), "20".into()),
        ("BRIGADE_EVENTS__RETRY_MAX_MS".into(), "100".into()),
        ("BRIGADE_EVENTS__MAX_ATTEMPTS".into(), "3".into()),
        (
            "BRIGADE_PAYMENTS__PROCESSOR_TIMEOUT_MS".into(),
            "300".into(),
        ),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let settings = Settings::load_from(None, env).expect("test settings are valid");
    if std::env::var("TEST_LOG").is_ok() {
        brigade::platform::telemetry::init(&settings.log);
    }
    settings
}

/// A database URL for one test: a temp SQLite file, or a fresh PostgreSQL schema.
pub fn test_database(dir: &tempfile::TempDir) -> (String, Option<(String, String)>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let schema = format!("t_{}", uuid_like());
            let mut conn = brigade::platform::db::establish_postgres(&base)
                .expect("TEST_DATABASE_URL is reachable");
            conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
            (url, Some((base, schema)))
        }
        _ => (
            format!("sqlite://{}", dir.path().join("brigade.db").display()),
            None,
        ),
    }
}

/// A database for one test, as [`test_database`] makes it, dropped with its owner.
pub struct Database {
    pub url: String,
    _dir: tempfile::TempDir,
    pg_schema: Option<(String, String)>,
}

impl Database {
    pub fn fresh() -> Database {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg_schema) = test_database(&dir);
        Database {
            url,
            _dir: dir,
            pg_schema,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema
            && let Ok(mut conn) = brigade::platform::db::establish_postgres(base)
        {
            use diesel::connection::SimpleConnection;
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{:x}", nanos, std::process::id())
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// A server with extra settings, e.g. `[("BRIGADE_SERVER__KEEP_ALIVE_SECS", "1")]`.
    pub async fn spawn_with(extra: &[(&str, &str)]) -> TestApp {
        let database = Database::fresh();
        Self::start(test_settings_with(&database.url, extra), database).await
    }

    /// A server with these settings on `database`, which it owns (and drops).
    pub async fn start(settings: Settings, database: Database) -> TestApp {
        let database_url = settings.database.url.clone();
        let app = Application::build(settings).await.expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let app_modules = app.modules().clone();
        actix_web::rt::spawn(app.run_until_stopped());
        TestApp {
            address,
            database_url,
            app_modules,
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            _database: Some(database),
            _companions: Vec::new(),
        }
    }

    /// Another Brigade on this one's database (a replica, or the same service restarted).
    pub async fn spawn_beside(&self, extra: &[(&str, &str)]) -> TestApp {
        let app = Application::build(test_settings_with(&self.database_url, extra))
            .await
            .expect("the second app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let app_modules = app.modules().clone();
        actix_web::rt::spawn(app.run_until_stopped());
        TestApp {
            address,
            database_url: self.database_url.clone(),
            app_modules,
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            // The first app owns (and drops) the database.
            _database: None,
            _companions: Vec::new(),
        }
    }

    /// The one row `sql` reads, through the app's own database: for tests that look at what is
    /// stored, which the API rightly never shows.
    pub async fn sql_row<T>(&self, sql: String) -> T
    where
        T: diesel::QueryableByName<diesel::sqlite::Sqlite>
            + diesel::QueryableByName<diesel::pg::Pg>
            + Send
            + 'static,
    {
        use brigade::platform::db::{DbConn, DbError};
        use diesel::RunQueryDsl;
        self.app_modules
            .db
            .read(move |conn| {
                let row = match conn {
                    DbConn::Sqlite(c) => diesel::sql_query(&sql).get_result::<T>(c),
                    DbConn::Postgres(c) => diesel::sql_query(&sql).get_result::<T>(c),
                };
                row.map_err(DbError::from)
            })
            .await
            .unwrap()
    }

    /// Runs `sql` in a write transaction of the app's own database: for tests that stage
    /// what no request can (an older schema, rows from long ago).
    pub async fn sql_execute(&self, sql: &str) {
        use brigade::platform::db::{DbConn, DbError};
        use diesel::RunQueryDsl;
        let sql = sql.to_owned();
        self.app_modules
            .db
            .write(move |conn| {
                let done = match conn {
                    DbConn::Sqlite(c) => diesel::sql_query(&sql).execute(c),
                    DbConn::Postgres(c) => diesel::sql_query(&sql).execute(c),
                };
                done.map_err(DbError::from)
            })
            .await
            .unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Sends a request; `body` is sent as JSON when present.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            self.url(path),
        );
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        let mut res = match body {
            Some(b) => req.send_json(&b).await,
            None => req.send().await,
        }
        .expect("the request reaches the server");
        Self::read(&mut res).await
    }

    /// Sends raw bytes with the given content type.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Response {
        let mut req = self.client.request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            self.url(path),
        );
        if let Some(ct) = content_type {
            req = req.insert_header(("Content-Type", ct));
        }
        let mut res = req
            .send_body(body)
            .await
            .expect("the request reaches the server");
        Self::read(&mut res).await
    }

    async fn read<S>(res: &mut awc::ClientResponse<S>) -> Response
    where
        S: futures_core::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>>
            + Unpin,
    {
        let raw = res
            .body()
            .limit(8 * 1024 * 1024)
            .await
            .expect("a readable body")
            .to_vec();
        Response {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
            raw,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send("GET", path, token, &[], None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send("POST", path, token, &[], Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send("PATCH", path, token, &[], Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.send("PUT", path, token, &[], Some(body)).await
    }

    /// Polls `GET path` until `done` holds for the body (events are asynchronous), failing
    /// after 10 s with the last body seen.
    pub async fn eventually(
        &self,
        path: &str,
        token: Option<&str>,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let res = self.get(path, token).await;
            if res.status == 200 && done(&res.body) {
                return res.body;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "GET {path} never got there; last: {} {}",
                res.status,
                res.body
            );
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Opens a Server-Sent Events stream and reads until `count` events (not comments) have
    /// arrived, failing after 10 s. Returns `(id, event, data)` triples.
    pub async fn sse(
        &self,
        path: &str,
        token: &str,
        last_event_id: Option<&str>,
        count: usize,
    ) -> Vec<(Option<String>, String, Value)> {
        use futures_util::StreamExt;
        let mut req = self
            .client
            .get(self.url(path))
            .insert_header(("Authorization", format!("Bearer {token}")));
        if let Some(id) = last_event_id {
            req = req.insert_header(("Last-Event-ID", id));
        }
        let mut res = req.send().await.expect("the stream opens");
        assert_eq!(res.status().as_u16(), 200, "GET {path}");
        assert_eq!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/event-stream")
        );
        let mut text = String::new();
        let mut events = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while events.len() < count {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let chunk = actix_web::rt::time::timeout(left, res.next())
                .await
                .unwrap_or_else(|_| {
                    panic!("only {} of {count} events on {path}: {text}", events.len())
                })
                .expect("the stream stays open")
                .expect("a readable chunk");
            text.push_str(std::str::from_utf8(&chunk).unwrap());
            while let Some(end) = text.find("\n\n") {
                let block: String = text.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (None, String::new(), Value::Null);
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        event = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data = serde_json::from_str(v).unwrap();
                    }
                }
                if !event.is_empty() {
                    events.push((id, event, data));
                }
            }
        }
        events.truncate(count);
        events
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.send("DELETE", path, token, &[], None).await
    }

    pub async fn register(&self, email: &str) -> Response {
        self.post(
            "/v1/auth/register",
            None,
            json!({"email": email, "password": PASSWORD, "name": "Test User"}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// A registered customer's access token.
    pub async fn customer_token(&self, email: &str) -> String {
        assert_eq!(self.register(email).await.status, 201);
        self.token_for(email).await
    }

    /// An account provisioned with `role` (as an operator would), signed in.
    /// Loads the demo café (`serve --demo`); how many items it created.
    pub async fn load_demo(&self) -> usize {
        brigade::app::load_demo_menu(
            self.app_modules
                .api::<dyn brigade::modules::catalog::api::CatalogApi>()
                .as_ref(),
            self.app_modules
                .api::<dyn brigade::modules::venues::api::VenuesApi>()
                .as_ref(),
        )
        .await
        .expect("the demo loads")
    }

    pub async fn token_with_role(&self, email: &str, role: Role) -> String {
        self.app_modules
            .api::<dyn brigade::modules::identity::api::IdentityApi>()
            .create_user(NewUser {
                email: email.into(),
                password: PASSWORD.into(),
                name: role.as_str().into(),
                roles: vec![role],
            })
            .await
            .expect("the account is created");
        self.token_for(email).await
    }

    async fn token_for(&self, email: &str) -> String {
        let res = self.login(email, PASSWORD).await;
        assert_eq!(res.status, 200, "login failed: {}", res.body);
        res.body["access_token"].as_str().unwrap().to_owned()
    }
}

impl TestApp {
    /// Keeps `hosts` alive as long as this app.
    pub fn with_companions(mut self, hosts: Vec<super::Host>) -> TestApp {
        self._companions = hosts;
        self
    }
}

/// A new API key of `token`'s account with `scopes`, as created (its `secret` shown once).
pub async fn new_key(app: &TestApp, token: &str, scopes: Value) -> Value {
    let res = app
        .post(
            "/v1/api-keys",
            Some(token),
            json!({"name": "till", "scopes": scopes}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body
}
