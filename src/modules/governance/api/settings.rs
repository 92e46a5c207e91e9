//! Governance's settings, `[governance]`: usage flushing, quota caching and how long usage is kept per hour.

use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid};
use crate::platform::descriptor::SettingsSection;

/// The `[governance]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "governance",
    defaults: r#"
[governance]
usage_flush_secs = 10
quota_cache_secs = 30
usage_hourly_days = 35
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GovernanceSettings {
    /// How often usage counted in memory is written to the database (and lost at most, on a
    /// crash).
    pub usage_flush_secs: u64,
    /// How long a caller's monthly count read from the database is reused by quota checks.
    pub quota_cache_secs: u64,
    /// How long usage is kept per hour; older hours are added up per day (00:00 UTC), which
    /// daily reports and monthly quotas read the same.
    pub usage_hourly_days: u32,
}

impl GovernanceSettings {
    /// Refuses values the module cannot run with, naming the key.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.usage_flush_secs == 0 {
            return Err(invalid("governance.usage_flush_secs", "must be at least 1"));
        }
        if self.usage_hourly_days == 0 {
            return Err(invalid(
                "governance.usage_hourly_days",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}
