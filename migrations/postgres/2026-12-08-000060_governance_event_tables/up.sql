-- Governance: its outbox without the unique index on the event's id, as on SQLite: ids are
-- fresh UUIDv7s and nothing looks an event up by its id (consumers read by position), so each
-- event written maintained an index no read used. (The inbox needs no change here: its
-- primary key is already its only index besides the age.)
ALTER TABLE governance_outbox DROP CONSTRAINT governance_outbox_id_key;
