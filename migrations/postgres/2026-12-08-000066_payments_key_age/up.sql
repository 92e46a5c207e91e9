-- Payments: an idempotency key is forgotten once older than payments.key_retention_hours,
-- like every other table that only grows; the sweep walks the keys oldest first by this.
CREATE INDEX payments_idempotency_age ON payments_idempotency (created_at);
