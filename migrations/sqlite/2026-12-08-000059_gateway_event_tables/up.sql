-- Gateway: its event tables with one B-tree fewer each, as every commit writes a page
-- or more of each B-tree an event touches. The outbox drops the unique index on the event's
-- id: ids are fresh UUIDv7s and nothing looks an event up by its id (consumers read by
-- position). The inbox is stored by the event's id (WITHOUT ROWID) instead of a row id and an
-- index on the event's id beside it. Same columns; what the tables hold is copied.
ALTER TABLE gateway_outbox RENAME TO gateway_outbox_before;
CREATE TABLE gateway_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO gateway_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM gateway_outbox_before;
-- Positions are never handed out twice: the new table counts on from where the old one
-- stopped, even when its newest events were already trimmed.
DELETE FROM sqlite_sequence WHERE name = 'gateway_outbox';
UPDATE sqlite_sequence SET name = 'gateway_outbox' WHERE name = 'gateway_outbox_before';
DROP TABLE gateway_outbox_before;

ALTER TABLE gateway_inbox RENAME TO gateway_inbox_before;
CREATE TABLE gateway_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
INSERT INTO gateway_inbox (event_id, handled_at) SELECT event_id, handled_at FROM gateway_inbox_before;
DROP TABLE gateway_inbox_before;
CREATE INDEX gateway_inbox_age ON gateway_inbox (handled_at);
