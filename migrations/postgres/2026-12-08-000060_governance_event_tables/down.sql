ALTER TABLE governance_outbox ADD CONSTRAINT governance_outbox_id_key UNIQUE (id);
