DROP TABLE gateway_idempotency;
