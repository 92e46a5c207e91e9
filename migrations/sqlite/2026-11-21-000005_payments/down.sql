DROP TABLE payments_inbox;
DROP TABLE payments_outbox;
DROP TABLE payments_idempotency;
DROP TABLE payments_refunds;
DROP TABLE payments_payments;
