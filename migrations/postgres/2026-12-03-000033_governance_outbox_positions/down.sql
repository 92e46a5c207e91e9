SELECT setval('governance_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM governance_outbox));
ALTER TABLE governance_outbox ALTER COLUMN seq SET DEFAULT nextval('governance_outbox_seq_seq');
