//! Payments' settings, `[payments]`.

use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid};
use crate::platform::descriptor::SettingsSection;

/// The `[payments]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "payments",
    defaults: r#"
[payments]
processor_timeout_ms = 10000
max_declines_per_order = 5
key_retention_hours = 168
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    /// How long the card processor may take before the payment answers 504 and stays pending.
    pub processor_timeout_ms: u64,
    /// Declined attempts allowed per order.
    pub max_declines_per_order: i64,
    /// How long an `Idempotency-Key` of a payment keeps answering with its payment; older
    /// keys are swept (`retention`).
    pub key_retention_hours: u32,
}

impl PaymentSettings {
    /// Refuses values the module cannot run with, naming the key.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.key_retention_hours < 24 {
            return Err(invalid(
                "payments.key_retention_hours",
                "must be at least 24: the edge keeps a key's answer that long",
            ));
        }
        Ok(())
    }
}
