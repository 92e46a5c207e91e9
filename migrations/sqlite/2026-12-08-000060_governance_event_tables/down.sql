ALTER TABLE governance_outbox RENAME TO governance_outbox_before;
CREATE TABLE governance_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO governance_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM governance_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'governance_outbox';
UPDATE sqlite_sequence SET name = 'governance_outbox' WHERE name = 'governance_outbox_before';
DROP TABLE governance_outbox_before;

ALTER TABLE governance_inbox RENAME TO governance_inbox_before;
CREATE TABLE governance_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO governance_inbox (event_id, handled_at) SELECT event_id, handled_at FROM governance_inbox_before;
DROP TABLE governance_inbox_before;
CREATE INDEX governance_inbox_age ON governance_inbox (handled_at);
