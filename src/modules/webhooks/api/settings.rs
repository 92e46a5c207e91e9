//! The webhooks' settings, `[webhooks]`: timeouts, retries, signing-secret rotation.

use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid, numbers};
use crate::platform::descriptor::SettingsSection;

/// The `[webhooks]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "webhooks",
    defaults: r#"
[webhooks]
timeout_ms = 15000
# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: retried for about 27.5 hours.
retry_schedule_ms = [5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]
jitter_percent = 10
allow_insecure_loopback = false
secret_rotation_overlap_secs = 86400
poll_interval_ms = 1000
max_endpoints_per_owner = 20
max_in_flight = 256
max_in_flight_per_endpoint = 50
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Deliveries being sent at once by this process, all endpoints together.
    pub max_in_flight: usize,
    /// Deliveries being sent at once to one endpoint: a slow receiver still gets this many
    /// requests in parallel, and never more.
    pub max_in_flight_per_endpoint: usize,
}

impl WebhookSettings {
    /// Refuses values the module cannot run with, naming the key.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.jitter_percent > 50 {
            return Err(invalid("webhooks.jitter_percent", "must be at most 50"));
        }
        if self.timeout_ms == 0 || self.poll_interval_ms == 0 {
            return Err(invalid(
                "webhooks.timeout_ms",
                "timeouts and intervals must be positive",
            ));
        }
        if self.max_in_flight == 0 || self.max_in_flight_per_endpoint == 0 {
            return Err(invalid(
                "webhooks.max_in_flight_per_endpoint",
                "in-flight limits must be at least 1",
            ));
        }
        Ok(())
    }
}
