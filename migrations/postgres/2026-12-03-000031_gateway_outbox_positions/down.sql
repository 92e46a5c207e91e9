SELECT setval('gateway_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM gateway_outbox));
ALTER TABLE gateway_outbox ALTER COLUMN seq SET DEFAULT nextval('gateway_outbox_seq_seq');
