//! The catalog's settings, `[catalog]`.

use serde::{Deserialize, Serialize};

use crate::platform::descriptor::SettingsSection;

/// The `[catalog]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "catalog",
    defaults: r#"
[catalog]
menu_cache_ttl_secs = 5
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogSettings {
    /// How long another replica's menu changes may take to show in this one's cached menu.
    pub menu_cache_ttl_secs: u64,
}
