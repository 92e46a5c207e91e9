ALTER TABLE kitchen_outbox RENAME TO kitchen_outbox_before;
CREATE TABLE kitchen_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO kitchen_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM kitchen_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'kitchen_outbox';
UPDATE sqlite_sequence SET name = 'kitchen_outbox' WHERE name = 'kitchen_outbox_before';
DROP TABLE kitchen_outbox_before;

ALTER TABLE kitchen_inbox RENAME TO kitchen_inbox_before;
CREATE TABLE kitchen_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO kitchen_inbox (event_id, handled_at) SELECT event_id, handled_at FROM kitchen_inbox_before;
DROP TABLE kitchen_inbox_before;
CREATE INDEX kitchen_inbox_age ON kitchen_inbox (handled_at);
