ALTER TABLE ordering_outbox RENAME TO ordering_outbox_before;
CREATE TABLE ordering_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO ordering_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM ordering_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'ordering_outbox';
UPDATE sqlite_sequence SET name = 'ordering_outbox' WHERE name = 'ordering_outbox_before';
DROP TABLE ordering_outbox_before;

ALTER TABLE ordering_inbox RENAME TO ordering_inbox_before;
CREATE TABLE ordering_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO ordering_inbox (event_id, handled_at) SELECT event_id, handled_at FROM ordering_inbox_before;
DROP TABLE ordering_inbox_before;
CREATE INDEX ordering_inbox_age ON ordering_inbox (handled_at);
