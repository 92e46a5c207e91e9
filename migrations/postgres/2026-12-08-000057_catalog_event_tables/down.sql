ALTER TABLE catalog_outbox ADD CONSTRAINT catalog_outbox_id_key UNIQUE (id);
