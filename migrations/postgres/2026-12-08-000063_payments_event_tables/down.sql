ALTER TABLE payments_outbox ADD CONSTRAINT payments_outbox_id_key UNIQUE (id);
