-- Delivery module: every table is prefixed delivery_ and no other module reads them.
CREATE TABLE delivery_deliveries (
    id            TEXT PRIMARY KEY NOT NULL,
    order_id      TEXT NOT NULL UNIQUE,
    tracking_code TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    courier_id    TEXT,
    address       TEXT NOT NULL,
    lat           DOUBLE,
    lng           DOUBLE,
    position_at   TIMESTAMP,
    eta           TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX delivery_deliveries_status ON delivery_deliveries (status, id);

-- Events this module publishes, written in the same transaction as the change.
CREATE TABLE delivery_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);

-- Events this module has handled, so redeliveries change nothing.
CREATE TABLE delivery_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
