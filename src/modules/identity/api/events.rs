//! Events the identity module publishes (none) and consumes.

use crate::platform::descriptor::{Consumes, EventSpec};

/// It publishes no events.
pub const PUBLISHED: &[EventSpec] = &[];

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[];
