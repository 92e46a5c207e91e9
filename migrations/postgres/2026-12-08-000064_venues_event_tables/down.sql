ALTER TABLE venues_outbox ADD CONSTRAINT venues_outbox_id_key UNIQUE (id);
