//! Layered configuration: built-in defaults → optional TOML file → environment. The
//! platform's and the edge's sections live here; each module declares its own section (and
//! its defaults) in its descriptor, and the composition root assembles them all.
//!
//! Environment variables are `BRIGADE_<SECTION>__<KEY>` (double underscore between levels),
//! e.g. `BRIGADE_SERVER__BIND=0.0.0.0:8080` or `BRIGADE_AUTH__JWT_SECRET=...`.
//! `DATABASE_URL`, when set, wins over `database.url`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// The public API's workers run this many `nice` steps below the rest of the process, so
    /// event work ready to run (a paid order's next hop) is not queued behind requests; 0
    /// leaves them alone, 19 at most (`platform::worker_priority`).
    pub worker_nice: u8,
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
pub fn list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Serialize, Deserialize)]
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
pub fn numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    #[derive(Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://PATH` or `postgres://...`.
    pub url: String,
    /// Connections in the reader pool (PostgreSQL: the one shared pool, of which requests
    /// hold at most three quarters; the rest are kept for event delivery).
    pub pool_size: u32,
    /// SQLite `synchronous` pragma: `full` (default, durable) or `normal`.
    pub sqlite_synchronous: SqliteSynchronous,
    /// SQLite busy timeout, in milliseconds.
    pub busy_timeout_ms: u64,
    /// Memory all SQLite connections of the process may keep for cached pages together, in
    /// KiB: the writer keeps half, the readers and the checkpointer share the other half (the
    /// operating system's file cache still holds the database). 0: each connection keeps
    /// SQLite's default 2 MiB.
    pub sqlite_memory_kib: u64,
    /// SQLite: reads bounded by an index run on the worker that asked while a reader is idle
    /// (see `platform::db`); off, every read goes to the blocking pool, as on slow storage
    /// where a page read may wait on the disk.
    pub sqlite_reads_in_place: bool,
}

#[cfg(test)]
impl DatabaseSettings {
    /// A SQLite database in `file` with `readers` reader connections, as unit tests open one:
    /// durable, reads in place, SQLite's default page cache.
    pub fn sqlite_for_tests(file: &std::path::Path, readers: u32) -> Self {
        Self {
            url: format!("sqlite://{}", file.display()),
            pool_size: readers,
            sqlite_synchronous: SqliteSynchronous::Full,
            busy_timeout_ms: 1000,
            sqlite_memory_kib: 0,
            sqlite_reads_in_place: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    Full,
    Normal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// How events travel from a producer's outbox to a consumer's inbox: `in_process` (read
    /// from the outbox tables, which every process must then share) or `jetstream` (through
    /// NATS JetStream, so each process can have a database of its own).
    pub transport: EventTransport,
    pub nats_url: String,
    /// Names this deployment's streams (`<PREFIX>_<PRODUCER>`) and subjects
    /// (`<prefix>.<producer>.<type>.v<version>`): letters, digits, `-` and `_`.
    pub stream_prefix: String,
    /// How long a stream keeps events (consumers' inboxes de-duplicate; the broker's own
    /// window is `stream_duplicate_window_secs`).
    pub stream_max_age_secs: u64,
    pub stream_duplicate_window_secs: u64,
    /// `file` (survives a broker restart) or `memory`.
    pub stream_storage: StreamStorage,
    /// How long events stay in their outbox once every subscriber (or, over the broker, the
    /// relay) has taken them: the window in which a live feed can resume from an old
    /// position. An event nobody has taken yet stays, however old.
    pub outbox_retention_hours: u32,
    /// How long a consumer remembers an event it handled, to ignore a redelivery. At least
    /// the outbox's window and the stream's age.
    pub inbox_retention_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventTransport {
    InProcess,
    Jetstream,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamStorage {
    File,
    Memory,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySettings {
    /// How long a stored response answers repeats of its `Idempotency-Key` (at least 24).
    pub retention_hours: u32,
    /// How long a request in flight holds its key. A retry within it gets 409 (with
    /// `Retry-After`); after it — the first request's process died — the retry runs.
    pub in_flight_lease_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitBackend {
    Memory,
    Redis,
}

/// Requests allowed per second, per minute and per calendar month (UTC); 0 means no limit
/// for that window.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSettings {
    pub per_second: u32,
    pub per_minute: u32,
    #[serde(default)]
    pub per_hour: u32,
    #[serde(default)]
    pub monthly_quota: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Auto,
    Json,
    Pretty,
}

/// The platform's and the edge's sections, with their defaults; each module declares its own.
pub const PLATFORM_DEFAULTS: &str = r#"
[server]
bind = "127.0.0.1:8080"
workers = 0
# With 16 customers on two cores, paid->ticket's p99 on PostgreSQL 24.9-31.4 ms against
# 38.5-64.9 ms; 10 steps stalled the events' hops in one run of two (docs/performance.md,
# "The HTTP workers a few steps lower").
worker_nice = 5
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
# 4 MiB: against 8, the journey's loaded RSS is 2.5-3 MiB lower with the same orders/s, and the
# million-order reads (bench/growth.sh) keep the same p50 and stay within 2x of an empty database.
sqlite_memory_kib = 4096
sqlite_reads_in_place = true

[auth.argon2]
# OWASP's 7 MiB set (m=7168, t=5, p=1), which it rates as strong as its 19 MiB one (m=19456,
# t=2): the same work per hash, in less memory for each sign-in running at once.
memory_kib = 7168
iterations = 5
parallelism = 1

[events]
poll_interval_ms = 500
max_attempts = 10
retry_base_ms = 1000
retry_max_ms = 300000
transport = "in_process"
nats_url = "nats://127.0.0.1:4222"
stream_prefix = "brigade"
stream_max_age_secs = 604800
stream_duplicate_window_secs = 120
stream_storage = "file"
outbox_retention_hours = 168
inbox_retention_hours = 168

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

[retention]
sweep_interval_secs = 600
batch_rows = 1000

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
pub fn is_origin(s: &str) -> bool {
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

/// The problem with `key`, for a section's own checks.
pub fn invalid(key: &str, why: &str) -> ConfigError {
    ConfigError::Invalid(format!("{key}: {why}"))
}

/// Reads `defaults` (TOML), then `file` (if any), then `env`'s `BRIGADE_<SECTION>__<KEY>`
/// variables and `DATABASE_URL`, into `T`. A variable that names no setting stops it, named.
pub fn load<T: DeserializeOwned>(
    defaults: &str,
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<T, ConfigError> {
    if let Some(path) = file
        && !path.exists()
    {
        return Err(ConfigError::MissingFile(path.to_owned()));
    }
    let env: Vec<(String, String)> = env.into_iter().collect();
    layered(defaults, file, &env).map_err(|e| {
        // "unknown field `url`" alone does not say where it came from: a stray
        // variable such as BRIGADE_URL, exported for client scripts, is the usual cause.
        let culprit = env
            .iter()
            .filter(|(key, _)| key.starts_with("BRIGADE_"))
            .find(|var| layered::<T>(defaults, file, std::slice::from_ref(var)).is_err());
        match culprit {
            Some((key, _)) => ConfigError::Invalid(format!(
                "environment variable {key}: {e} (BRIGADE_<SECTION>__<KEY> variables name \
                 settings; unset it or rename it)"
            )),
            None => ConfigError::Invalid(e),
        }
    })
}

fn layered<T: DeserializeOwned>(
    defaults: &str,
    file: Option<&Path>,
    env: &[(String, String)],
) -> Result<T, String> {
    use config::{Config, Environment, File, FileFormat};

    let mut builder = Config::builder().add_source(File::from_str(defaults, FileFormat::Toml));
    if let Some(path) = file {
        builder = builder.add_source(File::from(path).format(FileFormat::Toml));
    }
    // BRIGADE_SERVER__BIND → server.bind; every BRIGADE_ variable must name a setting.
    let vars: config::Map<String, String> = env
        .iter()
        .filter(|(key, _)| key.starts_with("BRIGADE_"))
        .cloned()
        .collect();
    builder = builder.add_source(
        Environment::with_prefix("BRIGADE")
            .prefix_separator("_")
            .separator("__")
            .source(Some(vars)),
    );
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
