//! The calling side: one pooled HTTP client per remote module, its internal tokens and its
//! circuit breaker.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use failsafe::backoff::Constant;
use failsafe::failure_policy::ConsecutiveFailures;
use failsafe::{Config, Instrument, StateMachine};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::settings::InternalSettings;
use crate::platform::internal_token::{Signer, Subject};

/// How long an internal token lives: enough for the call and its retries, far below the cap.
const TOKEN_TTL_SECS: u64 = 30;

/// How long a caller keeps an idle connection to another process for its next call.
const CALLER_IDLE: Duration = Duration::from_secs(30);

/// How long the internal listener keeps an idle connection open: longer than any caller
/// does, so a caller never sends a call on a connection its host is closing at that instant
/// (a write sent so is lost and cannot be retried).
pub const INTERNAL_KEEP_ALIVE: Duration = Duration::from_secs(90);

/// Whether a call only reads (sent as `GET`, retried on a dropped connection) or may change
/// something (sent as `POST`, never retried).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
}

/// A call that did not get a module's answer. Each module error converts it: `Unavailable`
/// into its 503 variant, `Broken` into its internal one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteFailure {
    #[error("the {module} module is unavailable ({why})")]
    Unavailable {
        module: String,
        retry_after_secs: u64,
        why: String,
    },
    #[error("the call to the {module} module failed: {why}")]
    Broken { module: String, why: String },
}

/// Whether calls to a module hosted elsewhere go through, as `/readyz` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Circuit {
    /// Calls go through.
    Closed,
    /// Its process failed repeatedly: its routes answer 503 with `Retry-After` without
    /// trying, for `internal.breaker_open_secs`.
    Open,
    /// Probing it again.
    HalfOpen,
}

/// The breaker's state, shared with its instrument.
#[derive(Clone, Default)]
struct BreakerState(Arc<AtomicU8>);

impl BreakerState {
    const CLOSED: u8 = 0;
    const OPEN: u8 = 1;
    const HALF_OPEN: u8 = 2;
}

impl Instrument for BreakerState {
    fn on_call_rejected(&self) {}
    fn on_open(&self) {
        self.0.store(BreakerState::OPEN, Ordering::Relaxed);
    }
    fn on_half_open(&self) {
        self.0.store(BreakerState::HALF_OPEN, Ordering::Relaxed);
    }
    fn on_closed(&self) {
        self.0.store(BreakerState::CLOSED, Ordering::Relaxed);
    }
}

type Breaker = StateMachine<ConsecutiveFailures<Constant>, BreakerState>;

/// A module hosted in another process, reached at its internal listener.
pub struct RemoteModule {
    module: &'static str,
    base: String,
    http: reqwest::Client,
    signer: Option<Arc<Signer>>,
    breaker: Breaker,
    state: BreakerState,
    open_secs: u64,
}

impl RemoteModule {
    /// A client of `module` at `url` (its process's internal listener).
    pub fn new(
        module: &'static str,
        url: &str,
        settings: &InternalSettings,
    ) -> Result<Self, String> {
        let signer = if settings.signing_key.is_empty() {
            None
        } else {
            Some(Arc::new(
                Signer::new(&settings.key_id, &settings.signing_key)
                    .map_err(|e| format!("internal.signing_key: {e}"))?,
            ))
        };
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .ok_or_else(|| format!("topology.remote.{module}.url: {url:?} names no host"))?;
        let retry = reqwest::retry::for_host(host).classify_fn(|attempt| {
            let dropped = attempt.error().is_some()
                || attempt.status() == Some(reqwest::StatusCode::SERVICE_UNAVAILABLE);
            if attempt.method() == reqwest::Method::GET && dropped {
                attempt.retryable()
            } else {
                attempt.success()
            }
        });
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config())
            .timeout(Duration::from_millis(settings.timeout_ms))
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .pool_idle_timeout(CALLER_IDLE)
            .no_proxy()
            .retry(retry)
            .build()
            .map_err(|e| format!("HTTP client for {module}: {e}"))?;
        let state = BreakerState::default();
        let breaker = Config::new()
            .failure_policy(failsafe::failure_policy::consecutive_failures(
                settings.breaker_failures,
                failsafe::backoff::constant(Duration::from_secs(settings.breaker_open_secs)),
            ))
            .instrument(state.clone())
            .build();
        Ok(Self {
            module,
            base: url.trim_end_matches('/').to_owned(),
            http,
            signer,
            breaker,
            state,
            open_secs: settings.breaker_open_secs,
        })
    }

    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The state of this module's circuit breaker.
    pub fn circuit(&self) -> Circuit {
        match self.state.0.load(Ordering::Relaxed) {
            BreakerState::OPEN => Circuit::Open,
            BreakerState::HALF_OPEN => Circuit::HalfOpen,
            _ => Circuit::Closed,
        }
    }

    /// Calls `method` with `args` (a JSON object) for `caller`; the module's answer, or its
    /// error as the module declared it, or a [`RemoteFailure`] converted into that error.
    pub async fn call<T, E>(
        &self,
        method: &str,
        kind: Kind,
        caller: Option<(Subject, &str)>,
        args: &impl Serialize,
    ) -> Result<T, E>
    where
        T: DeserializeOwned,
        E: DeserializeOwned + From<RemoteFailure>,
    {
        if !self.breaker.is_call_permitted() {
            return Err(self
                .unavailable("its circuit is open after repeated failures")
                .into());
        }
        let answer = self.send(method, kind, caller, args).await;
        match &answer {
            Err(RemoteFailure::Unavailable { why, .. }) => {
                // The caller's answer says only "unavailable"; the reason is for the operator.
                tracing::warn!(
                    module = self.module,
                    method,
                    why,
                    "a call to another process failed"
                );
                self.breaker.on_error()
            }
            _ => self.breaker.on_success(),
        }
        let (status, body) = answer.map_err(E::from)?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| self.broken(e).into());
        }
        #[derive(serde::Deserialize)]
        struct Failed<E> {
            error: E,
        }
        match serde_json::from_slice::<Failed<E>>(&body) {
            Ok(failed) => Err(failed.error),
            Err(_) => Err(self
                .broken(format!(
                    "{status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                ))
                .into()),
        }
    }

    async fn send(
        &self,
        method: &str,
        kind: Kind,
        caller: Option<(Subject, &str)>,
        args: &impl Serialize,
    ) -> Result<(reqwest::StatusCode, actix_web::web::Bytes), RemoteFailure> {
        let args = serde_json::to_string(args).map_err(|e| self.broken(e))?;
        let url = format!("{}/internal/{}/{method}", self.base, self.module);
        let request = match kind {
            Kind::Read => {
                let url = reqwest::Url::parse_with_params(&url, [("args", args)])
                    .map_err(|e| self.broken(e))?;
                self.http.get(url)
            }
            Kind::Write => self
                .http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(args),
        };
        let (who, request_id) = match caller {
            Some((who, request_id)) => (who, request_id.to_owned()),
            None => (Subject::process(), crate::platform::ids::new_id("req")),
        };
        let token = self.token(&who, &request_id)?;
        let response = request
            .bearer_auth(token)
            .header("x-request-id", &request_id)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| self.unreachable(&e))?;
        if status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            let why = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            return Err(self.unavailable(&format!("it answered 503: {why}")));
        }
        Ok((status, body))
    }

    fn token(&self, who: &Subject, jti: &str) -> Result<String, RemoteFailure> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            self.broken("internal.signing_key is not set: cannot call other processes")
        })?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        signer
            .sign(self.module, who, jti, now, TOKEN_TTL_SECS)
            .map_err(|e| self.broken(e))
    }

    fn unreachable(&self, e: &reqwest::Error) -> RemoteFailure {
        let why = if e.is_timeout() {
            "it did not answer in time".to_owned()
        } else if e.is_connect() {
            "it refuses connections".to_owned()
        } else {
            format!("the connection failed: {e}")
        };
        self.unavailable(&why)
    }

    fn unavailable(&self, why: &str) -> RemoteFailure {
        RemoteFailure::Unavailable {
            module: self.module.to_owned(),
            retry_after_secs: self.open_secs,
            why: why.to_owned(),
        }
    }

    fn broken(&self, why: impl std::fmt::Display) -> RemoteFailure {
        RemoteFailure::Broken {
            module: self.module.to_owned(),
            why: why.to_string(),
        }
    }
}

/// rustls with ring and the Mozilla roots, like the rest of Brigade's TLS.
fn tls_config() -> rustls::ClientConfig {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}
