//! Business capabilities. Each module owns its tables and exposes only its `api` (trait, DTOs,
//! events, errors) to the rest of the crate; its domain, storage and HTTP handlers are private.

pub mod catalog;
pub mod delivery;
pub mod governance;
pub mod identity;
pub mod kitchen;
pub mod ordering;
pub mod payments;
pub mod webhooks;

/// Which modules' `api` each module may use. `tests/architecture.rs` fails when the code uses
/// an undeclared dependency, reaches past an `api`, or when this graph has a cycle.
pub const DEPENDENCIES: &[(&str, &[&str])] = &[
    ("identity", &[]),
    ("catalog", &["identity"]),
    ("ordering", &["identity", "catalog"]),
    ("payments", &["identity", "ordering"]),
    ("kitchen", &["identity"]),
    ("delivery", &["identity"]),
    ("governance", &["identity"]),
    ("webhooks", &["identity"]),
];

/// Which events each module consumes from which producer: `(consumer, producer, types)`.
/// Consumers read payloads with their own structs, so subscribing adds no code dependency;
/// the composition root wires these to the consumers' handlers.
pub const SUBSCRIPTIONS: &[(&str, &str, &[&str])] = &[
    // Captures pay the order; every settled charge and refund is kept for the order's view.
    (
        "ordering",
        "payments",
        &["payment.captured", "payment.failed", "payment.refunded"],
    ),
    ("ordering", "kitchen", &["ticket.started", "ticket.ready"]),
    (
        "ordering",
        "delivery",
        &[
            "delivery.created",
            "delivery.picked_up",
            "delivery.delivered",
        ],
    ),
    ("payments", "ordering", &["order.cancelled"]),
    ("kitchen", "ordering", &["order.paid", "order.cancelled"]),
    ("delivery", "ordering", &["order.ready"]),
    // The gateway publishes what staff and admins did; governance keeps the audit trail.
    ("governance", "gateway", &["audit.recorded"]),
    // Partners' webhooks may carry any event of the order journey.
    (
        "webhooks",
        "ordering",
        &[
            "order.placed",
            "order.paid",
            "order.status_changed",
            "order.ready",
            "order.cancelled",
        ],
    ),
    (
        "webhooks",
        "payments",
        &["payment.captured", "payment.failed", "payment.refunded"],
    ),
    (
        "webhooks",
        "kitchen",
        &[
            "ticket.created",
            "ticket.started",
            "ticket.line_started",
            "ticket.line_done",
            "ticket.ready",
            "ticket.cancelled",
        ],
    ),
    (
        "webhooks",
        "delivery",
        &[
            "delivery.created",
            "delivery.picked_up",
            "delivery.delivered",
        ],
    ),
];
