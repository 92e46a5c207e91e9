ALTER TABLE delivery_outbox RENAME TO delivery_outbox_before;
CREATE TABLE delivery_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO delivery_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM delivery_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'delivery_outbox';
UPDATE sqlite_sequence SET name = 'delivery_outbox' WHERE name = 'delivery_outbox_before';
DROP TABLE delivery_outbox_before;

ALTER TABLE delivery_inbox RENAME TO delivery_inbox_before;
CREATE TABLE delivery_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO delivery_inbox (event_id, handled_at) SELECT event_id, handled_at FROM delivery_inbox_before;
DROP TABLE delivery_inbox_before;
CREATE INDEX delivery_inbox_age ON delivery_inbox (handled_at);
