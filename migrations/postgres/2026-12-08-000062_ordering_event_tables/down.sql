ALTER TABLE ordering_outbox ADD CONSTRAINT ordering_outbox_id_key UNIQUE (id);
