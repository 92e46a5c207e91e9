ALTER TABLE payments_outbox RENAME TO payments_outbox_before;
CREATE TABLE payments_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO payments_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM payments_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'payments_outbox';
UPDATE sqlite_sequence SET name = 'payments_outbox' WHERE name = 'payments_outbox_before';
DROP TABLE payments_outbox_before;

ALTER TABLE payments_inbox RENAME TO payments_inbox_before;
CREATE TABLE payments_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO payments_inbox (event_id, handled_at) SELECT event_id, handled_at FROM payments_inbox_before;
DROP TABLE payments_inbox_before;
CREATE INDEX payments_inbox_age ON payments_inbox (handled_at);
