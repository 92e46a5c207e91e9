ALTER TABLE kitchen_outbox ADD CONSTRAINT kitchen_outbox_id_key UNIQUE (id);
