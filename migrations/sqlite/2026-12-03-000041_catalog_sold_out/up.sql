-- Catalog: items and options sold out until a time (restocked by themselves then), items
-- with a countdown of portions left, and the events that announce it.
ALTER TABLE catalog_items ADD COLUMN sold_out_until TIMESTAMP;
ALTER TABLE catalog_items ADD COLUMN stock INTEGER;
ALTER TABLE catalog_options ADD COLUMN sold_out_until TIMESTAMP;
CREATE INDEX catalog_items_sold_out ON catalog_items (sold_out_until);
CREATE INDEX catalog_options_sold_out ON catalog_options (sold_out_until);

CREATE TABLE catalog_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);

CREATE TABLE catalog_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
CREATE INDEX catalog_inbox_age ON catalog_inbox (handled_at);
