ALTER TABLE venues_outbox RENAME TO venues_outbox_before;
CREATE TABLE venues_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO venues_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM venues_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'venues_outbox';
UPDATE sqlite_sequence SET name = 'venues_outbox' WHERE name = 'venues_outbox_before';
DROP TABLE venues_outbox_before;

ALTER TABLE venues_inbox RENAME TO venues_inbox_before;
CREATE TABLE venues_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO venues_inbox (event_id, handled_at) SELECT event_id, handled_at FROM venues_inbox_before;
DROP TABLE venues_inbox_before;
CREATE INDEX venues_inbox_age ON venues_inbox (handled_at);
