SELECT setval('delivery_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM delivery_outbox));
ALTER TABLE delivery_outbox ALTER COLUMN seq SET DEFAULT nextval('delivery_outbox_seq_seq');
