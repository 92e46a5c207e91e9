//! Events the webhooks module publishes (none) and consumes.

use crate::platform::descriptor::{Consumes, EventSpec};

/// It publishes no events.
pub const PUBLISHED: &[EventSpec] = &[];

/// The events it consumes, by producer: declared here by the consumer itself.
pub const CONSUMES: &[Consumes] = &[
    // Partners' webhooks may carry any event of the order journey.
    Consumes {
        producer: "ordering",
        event_types: &[
            "order.placed",
            "order.paid",
            "order.status_changed",
            "order.ready",
            "order.cancelled",
        ],
    },
    Consumes {
        producer: "payments",
        event_types: &["payment.captured", "payment.failed", "payment.refunded"],
    },
    Consumes {
        producer: "kitchen",
        event_types: &[
            "ticket.created",
            "ticket.started",
            "ticket.line_started",
            "ticket.line_done",
            "ticket.ready",
            "ticket.cancelled",
        ],
    },
    // An item selling out or coming back (order platforms update their menus).
    Consumes {
        producer: "catalog",
        event_types: &["catalog.availability_changed"],
    },
    // A venue turning busy or paused (order platforms stop sending orders).
    Consumes {
        producer: "venues",
        event_types: &["venue.state_changed"],
    },
    Consumes {
        producer: "delivery",
        event_types: &[
            "delivery.created",
            "delivery.picked_up",
            "delivery.delivered",
        ],
    },
];
