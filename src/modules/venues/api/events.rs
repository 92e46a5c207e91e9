//! Events venues publish.

use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use super::VenueState;
use crate::platform::descriptor::{Consumes, EventSpec};

pub const VENUE_STATE_CHANGED: &str = "venue.state_changed";

/// Payload of `venue.state_changed` (v1): staff made a venue busy, paused it or opened it
/// again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VenueStateChanged {
    pub venue_id: String,
    pub state: VenueState,
}

/// Every event type venues publish, for the API inventory.
pub const PUBLISHED: &[EventSpec] = &[EventSpec {
    event_type: VENUE_STATE_CHANGED,
    version: 1,
    summary: "A venue became busy, was paused, or takes orders as usual again.",
    schema: VenueStateChanged::schema,
}];

/// The events it consumes, by producer: a cancelled order gives its slot back.
pub const CONSUMES: &[Consumes] = &[Consumes {
    producer: "ordering",
    event_types: &["order.cancelled"],
}];
