SELECT setval('ordering_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM ordering_outbox));
ALTER TABLE ordering_outbox ALTER COLUMN seq SET DEFAULT nextval('ordering_outbox_seq_seq');
