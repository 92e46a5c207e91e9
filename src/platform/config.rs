//! Layered configuration: built-in defaults → optional TOML file → environment.
//!
//! Environment variables are `BRIGADE_<SECTION>__<KEY>` (double underscore between levels),
//! e.g. `BRIGADE_SERVER__BIND=0.0.0.0:8080` or `BRIGADE_AUTH__JWT_SECRET=...`.
//! `DATABASE_URL`, when set, wins over `database.url`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub catalog: CatalogSettings,
    pub events: EventSettings,
    pub ordering: OrderingSettings,
    pub payments: PaymentSettings,
    pub delivery: DeliverySettings,
    pub rate_limit: RateLimitSettings,
    pub idempotency: IdempotencySettings,
    pub governance: GovernanceSettings,
    pub webhooks: WebhookSettings,
    pub metrics: MetricsSettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest accepted request body, in bytes.
    pub body_limit_bytes: usize,
    /// How long in-flight requests may take to finish on shutdown.
    pub shutdown_timeout_secs: u64,
    /// Browser origins allowed to call the API (CORS), e.g. `["https://app.example.com"]`; a
    /// comma-separated string in the environment. Empty: no cross-origin access. Never `*`.
    #[serde(deserialize_with = "list")]
    pub cors_allowed_origins: Vec<String>,
    /// Time a client has to send its request head; a slow or stalled client gets 408.
    pub client_request_timeout_ms: u64,
    /// Time a client has, after its head, to send the whole body; a stalled body gets 408.
    pub client_body_timeout_ms: u64,
    /// Idle keep-alive connections are closed after this.
    pub keep_alive_secs: u64,
    /// Largest request head (all header names and values) accepted, in bytes; larger gets
    /// 431. The HTTP parser's own hard cap is 128 KiB and 96 headers.
    pub max_header_bytes: usize,
    /// PEM certificate chain; with `tls_key_path`, Brigade serves HTTPS (rustls) only.
    pub tls_cert_path: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1) for `tls_cert_path`.
    pub tls_key_path: Option<PathBuf>,
}

/// A list, or a comma-separated string (environment variables are strings).
fn list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(v) => v,
        Either::Text(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// A list of numbers, or a comma-separated string of them.
fn numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<u64>),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::List(v) => Ok(v),
        Either::Text(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|n| n.parse().map_err(serde::de::Error::custom))
            .collect(),
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://PATH` or `postgres://...`.
    pub url: String,
    /// Connections in the reader pool (PostgreSQL: the one shared pool).
    pub pool_size: u32,
    /// SQLite `synchronous` pragma: `full` (default, durable) or `normal`.
    pub sqlite_synchronous: SqliteSynchronous,
    /// SQLite busy timeout, in milliseconds.
    pub busy_timeout_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    Full,
    Normal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// HMAC secret for access tokens. Empty: a random one per start (tokens die on restart,
    /// and replicas cannot share them), which is logged as a warning.
    pub jwt_secret: String,
    pub access_token_ttl_secs: u64,
    pub refresh_token_ttl_secs: u64,
    /// Failed logins per account before it is throttled.
    pub login_max_failures: u32,
    /// How long an account stays throttled, and the window failures are counted in.
    pub login_lockout_secs: u64,
    /// After `POST /v1/api-keys/{id}/rotate`, how long the old secret keeps working.
    pub api_key_rotation_overlap_secs: u64,
    /// Password hashes (sign-in, sign-up, password change) running at once; 0 means one per
    /// core. Each takes `argon2.memory_kib`, so this bounds their memory.
    pub hashing_concurrency: usize,
    /// How long a password check waits for a free hasher before answering 503.
    pub hashing_queue_ms: u64,
    /// API keys one account may hold at once (revoked keys do not count).
    pub max_api_keys_per_user: u32,
    pub argon2: Argon2Settings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSettings {
    /// How long another replica's menu changes may take to show in this one's cached menu.
    pub menu_cache_ttl_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSettings {
    /// How often the dispatcher looks for events written by other replicas (local writes wake
    /// it at once).
    pub poll_interval_ms: u64,
    /// Deliveries tried per event and subscriber before it is dead-lettered.
    pub max_attempts: i32,
    /// First retry delay; doubles per attempt up to `retry_max_ms`.
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderingSettings {
    /// Tax added to the subtotal, in basis points (1000 = 10 %).
    pub tax_rate_bps: u32,
    /// Flat delivery fee in minor units; pickup is free.
    pub delivery_fee: i64,
    pub max_lines: usize,
    pub max_quantity: u32,
    /// Placed but unpaid orders one customer may hold at once.
    pub max_open_unpaid: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    /// How long the card processor may take before the payment answers 504 and stays pending.
    pub processor_timeout_ms: u64,
    /// Declined attempts allowed per order.
    pub max_declines_per_order: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// Estimated minutes from pickup to the door, shown on the tracking page.
    pub eta_minutes: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub enabled: bool,
    /// `memory` (per process) or `redis` (shared by every replica using `redis_url`).
    pub backend: RateLimitBackend,
    pub redis_url: String,
    /// Prefix of the counters' Redis keys.
    pub redis_prefix: String,
    /// Plans by name; each caller class below names one.
    pub plans: std::collections::HashMap<String, PlanSettings>,
    /// Callers without credentials, counted per client IP.
    pub anonymous_plan: String,
    /// Signed-in customers, per user.
    pub user_plan: String,
    /// Signed-in staff, kitchen, couriers and admins, per user. API keys have no plan of
    /// their own: each counts against its owner's plan and budget.
    pub staff_plan: String,
    /// Accounts one client address may register per hour (0: unlimited). Registration says
    /// whether an email is taken (409), so this is what keeps enumerating emails slow.
    pub signups_per_hour: u32,
    /// Peers whose `X-Forwarded-For` is believed (e.g. your load balancer); others' is ignored.
    #[serde(deserialize_with = "list")]
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySettings {
    /// How long a stored response answers repeats of its `Idempotency-Key` (at least 24).
    pub retention_hours: u32,
    /// How long a request in flight holds its key. A retry within it gets 409 (with
    /// `Retry-After`); after it — the first request's process died — the retry runs.
    pub in_flight_lease_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitBackend {
    Memory,
    Redis,
}

/// Requests allowed per second, per minute and per calendar month (UTC); 0 means no limit
/// for that window.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSettings {
    pub per_second: u32,
    pub per_minute: u32,
    #[serde(default)]
    pub per_hour: u32,
    #[serde(default)]
    pub monthly_quota: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceSettings {
    /// How often usage counted in memory is written to the database (and lost at most, on a
    /// crash).
    pub usage_flush_secs: u64,
    /// How long a caller's monthly count read from the database is reused by quota checks.
    pub quota_cache_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// How long a receiver has to answer one delivery.
    pub timeout_ms: u64,
    /// Waits before each retry; a delivery is tried once plus once per entry, then given up.
    #[serde(deserialize_with = "numbers")]
    pub retry_schedule_ms: Vec<u64>,
    /// Each wait varies by up to this share, so retries of many deliveries spread out.
    pub jitter_percent: u8,
    /// Development only: also accept `http://` endpoints that resolve to loopback.
    pub allow_insecure_loopback: bool,
    /// How long a rotated-out signing secret keeps signing (alongside the new one).
    pub secret_rotation_overlap_secs: u64,
    /// How often due deliveries are looked for.
    pub poll_interval_ms: u64,
    pub max_endpoints_per_owner: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Serve `/metrics` (Prometheus text format).
    pub enabled: bool,
    /// Networks allowed to scrape, e.g. `["127.0.0.0/8", "10.0.0.0/8"]`.
    #[serde(deserialize_with = "list")]
    pub allowed_networks: Vec<String>,
    /// When set, scrapers must also send `Authorization: Bearer <token>`.
    pub bearer_token: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// A `tracing` filter, e.g. `info` or `brigade=debug,info`. `RUST_LOG` wins when set.
    pub level: String,
    /// `auto` (JSON unless stdout is a terminal), `json` or `pretty`.
    pub format: LogFormat,
    /// OTLP/HTTP collector base URL (e.g. `http://127.0.0.1:4318`); when set, request spans
    /// are exported as traces. Empty: no export.
    pub otlp_endpoint: String,
    /// `service.name` of exported traces.
    pub service_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Json,
    Pretty,
}

const DEFAULTS: &str = r#"
[server]
bind = "127.0.0.1:8080"
workers = 0
body_limit_bytes = 262144
shutdown_timeout_secs = 30
cors_allowed_origins = []
client_request_timeout_ms = 5000
client_body_timeout_ms = 10000
keep_alive_secs = 30
max_header_bytes = 16384

[database]
url = "sqlite://./data/brigade.db"
pool_size = 8
sqlite_synchronous = "full"
busy_timeout_ms = 5000

[auth]
jwt_secret = ""
access_token_ttl_secs = 900
refresh_token_ttl_secs = 2592000
login_max_failures = 10
login_lockout_secs = 900
api_key_rotation_overlap_secs = 86400
hashing_concurrency = 0
hashing_queue_ms = 2000
max_api_keys_per_user = 10

[auth.argon2]
memory_kib = 19456
iterations = 2
parallelism = 1

[catalog]
menu_cache_ttl_secs = 5

[events]
poll_interval_ms = 500
max_attempts = 10
retry_base_ms = 1000
retry_max_ms = 300000

[ordering]
tax_rate_bps = 1000
delivery_fee = 350
max_lines = 50
max_quantity = 99
max_open_unpaid = 5

[payments]
processor_timeout_ms = 10000
max_declines_per_order = 5

[delivery]
eta_minutes = 20

[rate_limit]
enabled = true
backend = "memory"
redis_url = "redis://127.0.0.1:6379"
redis_prefix = "brigade:rl"
anonymous_plan = "free"
user_plan = "standard"
staff_plan = "internal"
trusted_proxies = []
signups_per_hour = 20

[rate_limit.plans.free]
per_second = 10
per_minute = 300
monthly_quota = 100000

[rate_limit.plans.standard]
per_second = 20
per_minute = 600
monthly_quota = 1000000

[rate_limit.plans.partner]
per_second = 50
per_minute = 3000
monthly_quota = 10000000

[rate_limit.plans.internal]
per_second = 0
per_minute = 0

[idempotency]
retention_hours = 24
in_flight_lease_secs = 60

[governance]
usage_flush_secs = 10
quota_cache_secs = 30

[webhooks]
timeout_ms = 15000
# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: retried for about 27.5 hours.
retry_schedule_ms = [5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]
jitter_percent = 10
allow_insecure_loopback = false
secret_rotation_overlap_secs = 86400
poll_interval_ms = 1000
max_endpoints_per_owner = 20

[metrics]
enabled = true
allowed_networks = ["127.0.0.0/8", "::1/128"]
bearer_token = ""

[log]
level = "info"
format = "auto"
otlp_endpoint = ""
service_name = "brigade"
"#;

/// `scheme://host[:port]` with nothing after: what browsers send in `Origin`.
fn is_origin(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Reads defaults, then `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// Like [`Settings::load`] with an explicit environment, so tests need not touch the
    /// process's own.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        if let Some(path) = file
            && !path.exists()
        {
            return Err(ConfigError::MissingFile(path.to_owned()));
        }
        let env: Vec<(String, String)> = env.into_iter().collect();
        let settings = Self::layered(file, &env).map_err(|e| {
            // "unknown field `url`" alone does not say where it came from: a stray
            // variable such as BRIGADE_URL, exported for client scripts, is the usual cause.
            let culprit = env
                .iter()
                .filter(|(key, _)| key.starts_with("BRIGADE_"))
                .find(|var| Self::layered(file, std::slice::from_ref(var)).is_err());
            match culprit {
                Some((key, _)) => ConfigError::Invalid(format!(
                    "environment variable {key}: {e} (BRIGADE_<SECTION>__<KEY> variables name \
                     settings; unset it or rename it)"
                )),
                None => ConfigError::Invalid(e),
            }
        })?;
        settings.check()?;
        Ok(settings)
    }

    /// Defaults, then `file`, then `env`'s `BRIGADE_...` and `DATABASE_URL`.
    fn layered(file: Option<&Path>, env: &[(String, String)]) -> Result<Self, String> {
        use config::{Config, File, FileFormat};

        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        if let Some(path) = file {
            builder = builder.add_source(File::from(path).format(FileFormat::Toml));
        }
        for (key, value) in env {
            if let Some(rest) = key.strip_prefix("BRIGADE_") {
                let path = rest.to_ascii_lowercase().replace("__", ".");
                builder = builder
                    .set_override(path, value.as_str())
                    .map_err(|e| e.to_string())?;
            }
        }
        if let Some((_, url)) = env.iter().find(|(k, _)| k == "DATABASE_URL") {
            builder = builder
                .set_override("database.url", url.as_str())
                .map_err(|e| e.to_string())?;
        }
        builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| e.to_string())
    }

    fn check(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, why: &str| Err(ConfigError::Invalid(format!("{key}: {why}")));
        if crate::platform::db::DatabaseUrl::parse(&self.database.url).is_err() {
            return invalid(
                "database.url",
                "must start with sqlite:// or postgres:// (or postgresql://)",
            );
        }
        for origin in &self.server.cors_allowed_origins {
            if !is_origin(origin) {
                return invalid(
                    "server.cors_allowed_origins",
                    &format!("{origin:?} is not an origin such as https://app.example.com"),
                );
            }
        }
        let rl = &self.rate_limit;
        for (key, plan) in [
            ("rate_limit.anonymous_plan", &rl.anonymous_plan),
            ("rate_limit.user_plan", &rl.user_plan),
            ("rate_limit.staff_plan", &rl.staff_plan),
        ] {
            if !rl.plans.contains_key(plan) {
                return invalid(key, &format!("names no plan in rate_limit.plans: {plan:?}"));
            }
        }
        for proxy in &rl.trusted_proxies {
            if proxy.parse::<std::net::IpAddr>().is_err() {
                return invalid(
                    "rate_limit.trusted_proxies",
                    &format!("{proxy:?} is not an IP address"),
                );
            }
        }
        for network in &self.metrics.allowed_networks {
            if network.parse::<ipnet::IpNet>().is_err() {
                return invalid(
                    "metrics.allowed_networks",
                    &format!("{network:?} is not a network such as 10.0.0.0/8"),
                );
            }
        }
        if !(1024..=131_072).contains(&self.server.max_header_bytes) {
            return invalid("server.max_header_bytes", "must be between 1024 and 131072");
        }
        if self.webhooks.jitter_percent > 50 {
            return invalid("webhooks.jitter_percent", "must be at most 50");
        }
        if self.webhooks.timeout_ms == 0 || self.webhooks.poll_interval_ms == 0 {
            return invalid(
                "webhooks.timeout_ms",
                "timeouts and intervals must be positive",
            );
        }
        if !self.log.otlp_endpoint.is_empty() && !self.log.otlp_endpoint.starts_with("http://") {
            return invalid(
                "log.otlp_endpoint",
                "must be an http:// URL of an OTLP/HTTP collector (e.g. a local agent)",
            );
        }
        if self.governance.usage_flush_secs == 0 {
            return invalid("governance.usage_flush_secs", "must be at least 1");
        }
        if self.server.tls_cert_path.is_some() != self.server.tls_key_path.is_some() {
            return invalid(
                "server.tls_cert_path",
                "set both tls_cert_path and tls_key_path, or neither",
            );
        }
        if self.idempotency.retention_hours < 24 {
            return invalid("idempotency.retention_hours", "must be at least 24");
        }
        if self.idempotency.in_flight_lease_secs == 0 {
            return invalid("idempotency.in_flight_lease_secs", "must be at least 1");
        }
        if self.events.max_attempts < 1 {
            return invalid("events.max_attempts", "must be at least 1");
        }
        if self.events.poll_interval_ms == 0 {
            return invalid("events.poll_interval_ms", "must be at least 1");
        }
        if self.ordering.max_lines == 0 || self.ordering.max_quantity == 0 {
            return invalid("ordering.max_lines", "limits must be at least 1");
        }
        if self.ordering.delivery_fee < 0 {
            return invalid("ordering.delivery_fee", "must not be negative");
        }
        if self.database.pool_size == 0 {
            return invalid("database.pool_size", "must be at least 1");
        }
        if self.server.body_limit_bytes == 0 {
            return invalid("server.body_limit_bytes", "must be at least 1");
        }
        if self.auth.access_token_ttl_secs == 0 || self.auth.refresh_token_ttl_secs == 0 {
            return invalid(
                "auth.access_token_ttl_secs",
                "token lifetimes must be positive",
            );
        }
        if !self.auth.jwt_secret.is_empty() && self.auth.jwt_secret.len() < 32 {
            return invalid("auth.jwt_secret", "must be at least 32 characters");
        }
        let a = &self.auth.argon2;
        if argon2::Params::new(a.memory_kib, a.iterations, a.parallelism, None).is_err() {
            return invalid(
                "auth.argon2",
                "memory_kib must be at least 8×parallelism, iterations and parallelism at least 1",
            );
        }
        if self.auth.login_max_failures == 0 {
            return invalid("auth.login_max_failures", "must be at least 1");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn cors_origins_come_as_a_list_or_a_comma_separated_string_and_never_as_a_wildcard() {
        let s = Settings::load_from(
            None,
            env(&[(
                "BRIGADE_SERVER__CORS_ALLOWED_ORIGINS",
                "https://a.example, http://localhost:3000",
            )]),
        )
        .unwrap();
        assert_eq!(
            s.server.cors_allowed_origins,
            ["https://a.example", "http://localhost:3000"]
        );
        for bad in [
            "*",
            "https://a.example/path",
            "a.example",
            "ftp://a.example",
        ] {
            let err =
                Settings::load_from(None, env(&[("BRIGADE_SERVER__CORS_ALLOWED_ORIGINS", bad)]))
                    .unwrap_err()
                    .to_string();
            assert!(err.contains("server.cors_allowed_origins"), "{bad}: {err}");
        }
    }

    #[test]
    fn defaults_are_usable() {
        let s = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(s.server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database.url, "sqlite://./data/brigade.db");
        assert_eq!(s.auth.argon2.memory_kib, 19456);
        assert_eq!(s.database.sqlite_synchronous, SqliteSynchronous::Full);
    }

    #[test]
    fn environment_overrides_defaults_and_database_url_wins() {
        let s = Settings::load_from(
            None,
            env(&[
                ("BRIGADE_SERVER__BIND", "0.0.0.0:9000"),
                ("BRIGADE_DATABASE__URL", "sqlite://a.db"),
                ("DATABASE_URL", "postgres://localhost/x"),
                ("BRIGADE_AUTH__ARGON2__MEMORY_KIB", "64"),
            ]),
        )
        .unwrap();
        assert_eq!(s.server.bind.port(), 9000);
        assert_eq!(s.database.url, "postgres://localhost/x");
        assert_eq!(s.auth.argon2.memory_kib, 64);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let err = Settings::load_from(None, env(&[("BRIGADE_SERVER__BIND", "nowhere")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("server.bind"), "{err}");
        let err = Settings::load_from(None, env(&[("DATABASE_URL", "mysql://x")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("database.url"), "{err}");
        let err = Settings::load_from(None, env(&[("BRIGADE_SERVER__NOPE", "1")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope"), "{err}");
    }
}
