-- Venues: orders ahead. How each venue slices its days and caps its slots (JSON), how many
-- orders each slot holds, and which order holds which place.
ALTER TABLE venues_venues ADD COLUMN scheduling TEXT NOT NULL
    DEFAULT '{"slot_minutes":15,"min_lead_minutes":15,"max_days_ahead":7,"pickup_orders_per_slot":null,"delivery_orders_per_slot":null}';

CREATE TABLE venues_slots (
    venue_id    TEXT NOT NULL,
    fulfillment TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    taken       INTEGER NOT NULL,
    PRIMARY KEY (venue_id, fulfillment, starts_at)
);

CREATE TABLE venues_reservations (
    order_id    TEXT PRIMARY KEY NOT NULL,
    venue_id    TEXT NOT NULL,
    fulfillment TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    reserved_by TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
