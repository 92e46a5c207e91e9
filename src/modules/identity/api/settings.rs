//! Identity's settings, `[auth]`: tokens, sign-in throttling, API keys, password hashing.

use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid};
use crate::platform::descriptor::SettingsSection;

/// The `[auth]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "auth",
    defaults: r#"
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
credential_cache_entries = 10000
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Sessions, and as many API keys and access tokens, whose principal (for tokens: whose
    /// signature) each process remembers so that authenticating is not a database read and a
    /// JWT decode per request; 0 turns the cache off. A logout,
    /// password, role or plan change, or key revocation takes effect at once on every
    /// replica whatever the size: each request checks the credentials revision first.
    pub credential_cache_entries: usize,
    pub argon2: Argon2Settings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl AuthSettings {
    /// Refuses values the module cannot run with, naming the key.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.access_token_ttl_secs == 0 || self.refresh_token_ttl_secs == 0 {
            return Err(invalid(
                "auth.access_token_ttl_secs",
                "token lifetimes must be positive",
            ));
        }
        if !self.jwt_secret.is_empty() && self.jwt_secret.len() < 32 {
            return Err(invalid("auth.jwt_secret", "must be at least 32 characters"));
        }
        let a = &self.argon2;
        if argon2::Params::new(a.memory_kib, a.iterations, a.parallelism, None).is_err() {
            return Err(invalid(
                "auth.argon2",
                "memory_kib must be at least 8×parallelism, iterations and parallelism at least 1",
            ));
        }
        if self.login_max_failures == 0 {
            return Err(invalid("auth.login_max_failures", "must be at least 1"));
        }
        Ok(())
    }
}

/// The rate-limit plans an operator may assign to a user (the edge's `[rate_limit]` names
/// them); the composition root provides them.
#[derive(Debug, Clone, Default)]
pub struct PlanNames(pub Vec<String>);
