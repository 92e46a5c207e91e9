//! Ordering's settings, `[ordering]`: prices (tax, delivery fee) and order limits.

use serde::{Deserialize, Serialize};

use crate::platform::config::{ConfigError, invalid};
use crate::platform::descriptor::SettingsSection;

/// The `[ordering]` section and its defaults, as the descriptor declares it.
pub const SECTION: SettingsSection = SettingsSection {
    key: "ordering",
    defaults: r#"
[ordering]
tax_rate_bps = 1000
delivery_fee = 350
max_lines = 50
max_quantity = 99
max_open_unpaid = 5
"#,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderingSettings {
    /// Tax added to the subtotal, in basis points (1000 = 10 %).
    pub tax_rate_bps: u32,
    /// Flat delivery fee in minor units; pickup is free.
    pub delivery_fee: i64,
    pub max_lines: usize,
    pub max_quantity: u32,
    /// Placed but unpaid orders one customer may hold at once.
    pub max_open_unpaid: i64,
}

impl OrderingSettings {
    /// Refuses values the module cannot run with, naming the key.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.max_lines == 0 || self.max_quantity == 0 {
            return Err(invalid("ordering.max_lines", "limits must be at least 1"));
        }
        if self.delivery_fee < 0 {
            return Err(invalid("ordering.delivery_fee", "must not be negative"));
        }
        Ok(())
    }
}
