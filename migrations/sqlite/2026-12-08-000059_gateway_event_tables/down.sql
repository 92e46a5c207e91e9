ALTER TABLE gateway_outbox RENAME TO gateway_outbox_before;
CREATE TABLE gateway_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO gateway_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM gateway_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'gateway_outbox';
UPDATE sqlite_sequence SET name = 'gateway_outbox' WHERE name = 'gateway_outbox_before';
DROP TABLE gateway_outbox_before;

ALTER TABLE gateway_inbox RENAME TO gateway_inbox_before;
CREATE TABLE gateway_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO gateway_inbox (event_id, handled_at) SELECT event_id, handled_at FROM gateway_inbox_before;
DROP TABLE gateway_inbox_before;
CREATE INDEX gateway_inbox_age ON gateway_inbox (handled_at);
