//! Delivery's settings, `[delivery]`.

use serde::{Deserialize, Serialize};

use crate::platform::descriptor::SettingsSection;

/// The `[delivery]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "delivery",
    defaults: r#"
[delivery]
eta_minutes = 20
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// Estimated minutes from pickup to the door, shown on the tracking page: counted from
    /// when the kitchen finishes, then again from when the courier picks the order up.
    pub eta_minutes: i64,
}
