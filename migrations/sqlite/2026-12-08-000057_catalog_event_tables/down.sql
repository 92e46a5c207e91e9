ALTER TABLE catalog_outbox RENAME TO catalog_outbox_before;
CREATE TABLE catalog_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO catalog_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM catalog_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'catalog_outbox';
UPDATE sqlite_sequence SET name = 'catalog_outbox' WHERE name = 'catalog_outbox_before';
DROP TABLE catalog_outbox_before;

ALTER TABLE catalog_inbox RENAME TO catalog_inbox_before;
CREATE TABLE catalog_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO catalog_inbox (event_id, handled_at) SELECT event_id, handled_at FROM catalog_inbox_before;
DROP TABLE catalog_inbox_before;
CREATE INDEX catalog_inbox_age ON catalog_inbox (handled_at);
