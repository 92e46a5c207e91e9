//! Events the catalog module publishes and consumes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::platform::descriptor::{Consumes, EventSpec};

pub const AVAILABILITY_CHANGED: &str = "catalog.availability_changed";

/// Payload of `catalog.availability_changed` (v1): an item or one of its options sold out,
/// came back, or had its portions counted.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AvailabilityChanged {
    pub item_id: String,
    /// Set when the change is to one of the item's options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_id: Option<String>,
    /// Set when the change is at this venue only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_id: Option<String>,
    /// Whether the item (or option) can be ordered now.
    pub available: bool,
    /// Sold out until then, when it comes back by itself.
    pub sold_out_until: Option<DateTime<Utc>>,
    /// The item's portions left, when counted down.
    pub stock: Option<i32>,
}

/// Every event type the catalog publishes, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[EventSpec {
    event_type: AVAILABILITY_CHANGED,
    version: 1,
    summary: "A menu item or option sold out, came back, or had its portions counted.",
    schema: AvailabilityChanged::schema,
}];

/// The events it consumes, by producer: paid orders count portions down.
pub const CONSUMES: &[Consumes] = &[Consumes {
    producer: "ordering",
    event_types: &["order.paid"],
}];
