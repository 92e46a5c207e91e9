ALTER TABLE gateway_idempotency DROP COLUMN headers;
ALTER TABLE gateway_idempotency DROP COLUMN locked_until;
