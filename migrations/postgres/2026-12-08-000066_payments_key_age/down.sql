DROP INDEX payments_idempotency_age;
