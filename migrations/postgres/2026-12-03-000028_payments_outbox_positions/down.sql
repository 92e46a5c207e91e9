SELECT setval('payments_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM payments_outbox));
ALTER TABLE payments_outbox ALTER COLUMN seq SET DEFAULT nextval('payments_outbox_seq_seq');
