//! The catalog's settings, `[catalog]`.

use serde::{Deserialize, Serialize};

use crate::platform::descriptor::SettingsSection;

/// The `[catalog]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "catalog",
    defaults: r#"
[catalog]
menu_cache_ttl_secs = 5
restock_interval_ms = 1000
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSettings {
    /// How long another replica's menu changes may take to show in this one's cached menu.
    pub menu_cache_ttl_secs: u64,
    /// How often items and options whose sold-out time has passed are brought back (and
    /// `catalog.availability_changed` announced).
    pub restock_interval_ms: u64,
}
