ALTER TABLE webhooks_outbox RENAME TO webhooks_outbox_before;
CREATE TABLE webhooks_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO webhooks_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM webhooks_outbox_before;
DELETE FROM sqlite_sequence WHERE name = 'webhooks_outbox';
UPDATE sqlite_sequence SET name = 'webhooks_outbox' WHERE name = 'webhooks_outbox_before';
DROP TABLE webhooks_outbox_before;

ALTER TABLE webhooks_inbox RENAME TO webhooks_inbox_before;
CREATE TABLE webhooks_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
INSERT INTO webhooks_inbox (event_id, handled_at) SELECT event_id, handled_at FROM webhooks_inbox_before;
DROP TABLE webhooks_inbox_before;
CREATE INDEX webhooks_inbox_age ON webhooks_inbox (handled_at);
