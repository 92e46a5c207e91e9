SELECT setval('webhooks_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM webhooks_outbox));
ALTER TABLE webhooks_outbox ALTER COLUMN seq SET DEFAULT nextval('webhooks_outbox_seq_seq');
