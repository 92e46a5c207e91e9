-- Ordering module: every table is prefixed ordering_ and no other module reads them.
CREATE TABLE ordering_orders (
    id            TEXT PRIMARY KEY NOT NULL,
    customer_id   TEXT NOT NULL,
    status        TEXT NOT NULL,
    fulfillment   TEXT NOT NULL,
    note          TEXT NOT NULL,
    subtotal      BIGINT NOT NULL,
    tax           BIGINT NOT NULL,
    delivery_fee  BIGINT NOT NULL,
    total         BIGINT NOT NULL,
    currency      TEXT NOT NULL,
    tracking_code TEXT,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX ordering_orders_customer ON ordering_orders (customer_id, status);
CREATE INDEX ordering_orders_status ON ordering_orders (status, id);

CREATE TABLE ordering_lines (
    id         TEXT PRIMARY KEY NOT NULL,
    order_id   TEXT NOT NULL REFERENCES ordering_orders (id),
    position   INTEGER NOT NULL,
    item_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    unit_price BIGINT NOT NULL,
    options    TEXT NOT NULL,
    line_total BIGINT NOT NULL,
    station    TEXT NOT NULL
);
CREATE INDEX ordering_lines_order ON ordering_lines (order_id, position);

-- Events this module publishes, written in the same transaction as the change.
CREATE TABLE ordering_outbox (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);

-- Events this module has handled, so redeliveries change nothing.
CREATE TABLE ordering_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
