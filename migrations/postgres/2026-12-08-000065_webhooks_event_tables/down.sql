ALTER TABLE webhooks_outbox ADD CONSTRAINT webhooks_outbox_id_key UNIQUE (id);
