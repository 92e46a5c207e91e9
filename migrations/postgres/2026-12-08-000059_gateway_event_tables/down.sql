ALTER TABLE gateway_outbox ADD CONSTRAINT gateway_outbox_id_key UNIQUE (id);
