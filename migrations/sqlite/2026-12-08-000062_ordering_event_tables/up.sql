-- Ordering: its event tables with one B-tree fewer each, as every commit writes a page
-- or more of each B-tree an event touches. The outbox drops the unique index on the event's
-- id: ids are fresh UUIDv7s and nothing looks an event up by its id (consumers read by
-- position). The inbox is stored by the event's id (WITHOUT ROWID) instead of a row id and an
-- index on the event's id beside it. Same columns; what the tables hold is copied.
ALTER TABLE ordering_outbox RENAME TO ordering_outbox_before;
CREATE TABLE ordering_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO ordering_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM ordering_outbox_before;
-- Positions are never handed out twice: the new table counts on from where the old one
-- stopped, even when its newest events were already trimmed.
DELETE FROM sqlite_sequence WHERE name = 'ordering_outbox';
UPDATE sqlite_sequence SET name = 'ordering_outbox' WHERE name = 'ordering_outbox_before';
DROP TABLE ordering_outbox_before;

ALTER TABLE ordering_inbox RENAME TO ordering_inbox_before;
CREATE TABLE ordering_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
INSERT INTO ordering_inbox (event_id, handled_at) SELECT event_id, handled_at FROM ordering_inbox_before;
DROP TABLE ordering_inbox_before;
CREATE INDEX ordering_inbox_age ON ordering_inbox (handled_at);
