//! Events the governance module publishes (none) and consumes.

use crate::platform::descriptor::{Consumes, EventSpec};

/// It publishes no events.
pub const PUBLISHED: &[EventSpec] = &[];

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[
    // The gateway publishes what staff and admins did; governance keeps the audit trail.
    Consumes {
        producer: "gateway",
        event_types: &["audit.recorded"],
    },
];
