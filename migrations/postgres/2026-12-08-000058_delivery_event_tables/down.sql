ALTER TABLE delivery_outbox ADD CONSTRAINT delivery_outbox_id_key UNIQUE (id);
