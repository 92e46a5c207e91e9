//! Kitchen's settings, `[kitchen]`.

use serde::{Deserialize, Serialize};

use crate::platform::descriptor::SettingsSection;

/// The `[kitchen]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "kitchen",
    defaults: r#"
[kitchen]
scheduled_lead_minutes = 5
release_interval_ms = 1000
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitchenSettings {
    /// A scheduled order's ticket reaches the stations its prep time and this many minutes
    /// more before its slot.
    pub scheduled_lead_minutes: i64,
    /// How often held tickets whose time has come are released to the stations.
    pub release_interval_ms: u64,
}
