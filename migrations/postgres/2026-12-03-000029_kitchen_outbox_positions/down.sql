SELECT setval('kitchen_outbox_seq_seq', (SELECT COALESCE(MAX(seq), 1) FROM kitchen_outbox));
ALTER TABLE kitchen_outbox ALTER COLUMN seq SET DEFAULT nextval('kitchen_outbox_seq_seq');
