-- Venues: its event tables with one B-tree fewer each, as every commit writes a page
-- or more of each B-tree an event touches. The outbox drops the unique index on the event's
-- id: ids are fresh UUIDv7s and nothing looks an event up by its id (consumers read by
-- position). The inbox is stored by the event's id (WITHOUT ROWID) instead of a row id and an
-- index on the event's id beside it. Same columns; what the tables hold is copied.
ALTER TABLE venues_outbox RENAME TO venues_outbox_before;
CREATE TABLE venues_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
INSERT INTO venues_outbox (seq, id, event_type, version, aggregate_id, occurred_at, payload)
    SELECT seq, id, event_type, version, aggregate_id, occurred_at, payload FROM venues_outbox_before;
-- Positions are never handed out twice: the new table counts on from where the old one
-- stopped, even when its newest events were already trimmed.
DELETE FROM sqlite_sequence WHERE name = 'venues_outbox';
UPDATE sqlite_sequence SET name = 'venues_outbox' WHERE name = 'venues_outbox_before';
DROP TABLE venues_outbox_before;

ALTER TABLE venues_inbox RENAME TO venues_inbox_before;
CREATE TABLE venues_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
) WITHOUT ROWID;
INSERT INTO venues_inbox (event_id, handled_at) SELECT event_id, handled_at FROM venues_inbox_before;
DROP TABLE venues_inbox_before;
CREATE INDEX venues_inbox_age ON venues_inbox (handled_at);
