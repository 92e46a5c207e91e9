//! `[topology]`: which modules this process hosts and where the others are; `[internal]`: the
//! keys and limits of calls between processes.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid};

pub const DEFAULTS: &str = r#"
[topology]
hosts = []
edge = true
internal_bind = ""

[topology.remote]

[internal]
key_id = ""
signing_key = ""
trusted_keys = {}
timeout_ms = 5000
connect_timeout_ms = 1000
breaker_failures = 3
breaker_open_secs = 5
"#;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopologySettings {
    /// The modules this process hosts; empty: every module `remote` does not place elsewhere
    /// (all of them in the monolith).
    pub hosts: Vec<String>,
    /// Whether this process serves the public API and its gateway. A process hosting only
    /// back-of-house modules sets `false` and serves its internal listener alone.
    pub edge: bool,
    /// Where the hosted modules answer other processes (`/internal/...`); empty: nowhere.
    pub internal_bind: String,
    /// Where each module hosted elsewhere answers, by name (an entry for a module this
    /// process hosts is ignored).
    pub remote: BTreeMap<String, RemoteTarget>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteTarget {
    /// The hosting process's internal listener, e.g. `http://127.0.0.1:9102`.
    pub url: String,
}

impl TopologySettings {
    /// Whether this process hosts `module`: one `hosts` names, or, without `hosts`, one that
    /// `remote` does not place elsewhere. So one file can describe a whole deployment (every
    /// module's URL under `remote`) and each process names its own with `--modules`.
    pub fn hosts(&self, module: &str) -> bool {
        if self.hosts.is_empty() {
            !self.remote.contains_key(module)
        } else {
            self.hosts.iter().any(|m| m == module)
        }
    }

    pub fn internal_addr(&self) -> Result<Option<SocketAddr>, ConfigError> {
        if self.internal_bind.is_empty() {
            return Ok(None);
        }
        self.internal_bind.parse().map(Some).map_err(|_| {
            invalid(
                "topology.internal_bind",
                "must be an address such as 127.0.0.1:9101",
            )
        })
    }

    /// Checks the names against the known modules and the URLs' form.
    pub fn check(&self, known: &[&str]) -> Result<(), ConfigError> {
        let unknown = |key: &str, name: &str| {
            invalid(
                key,
                &format!("{name:?} is no module; known: {}", known.join(", ")),
            )
        };
        if let Some(name) = self.hosts.iter().find(|m| !known.contains(&m.as_str())) {
            return Err(unknown("topology.hosts", name));
        }
        for (name, target) in &self.remote {
            if !known.contains(&name.as_str()) {
                return Err(unknown("topology.remote", name));
            }
            if reqwest::Url::parse(&target.url)
                .map(|u| !matches!(u.scheme(), "http" | "https"))
                .unwrap_or(true)
            {
                return Err(invalid(
                    &format!("topology.remote.{name}.url"),
                    "must be an http:// or https:// URL",
                ));
            }
        }
        self.internal_addr()?;
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternalSettings {
    /// The id of the key this process signs internal tokens with (`brigade internal-key`).
    pub key_id: String,
    /// That key's secret seed (URL-safe base64); needed to call modules hosted elsewhere.
    pub signing_key: String,
    /// Public keys trusted to sign calls into the modules hosted here, by key id: the current
    /// key and, during a rotation, the next (or the previous) one.
    pub trusted_keys: BTreeMap<String, String>,
    /// The longest a call to another process may take.
    pub timeout_ms: u64,
    pub connect_timeout_ms: u64,
    /// Consecutive failures to reach a module before calls to it stop for a while.
    pub breaker_failures: u32,
    /// How long calls stop before one probes the module again.
    pub breaker_open_secs: u64,
}

impl InternalSettings {
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.timeout_ms == 0 || self.connect_timeout_ms == 0 {
            return Err(invalid(
                "internal.timeout_ms",
                "timeouts must be at least 1 ms",
            ));
        }
        if self.breaker_failures == 0 || self.breaker_open_secs == 0 {
            return Err(invalid(
                "internal.breaker_failures",
                "the breaker needs at least one failure and one second",
            ));
        }
        Ok(())
    }
}
