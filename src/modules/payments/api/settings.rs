//! Payments' settings, `[payments]`.

use serde::{Deserialize, Serialize};

use crate::platform::descriptor::SettingsSection;

/// The `[payments]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "payments",
    defaults: r#"
[payments]
processor_timeout_ms = 10000
max_declines_per_order = 5
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSettings {
    /// How long the card processor may take before the payment answers 504 and stays pending.
    pub processor_timeout_ms: u64,
    /// Declined attempts allowed per order.
    pub max_declines_per_order: i64,
}
