-- Gateway: a request in flight holds its Idempotency-Key for a lease only, so after a crash
-- the next retry takes the key over instead of being refused for good.
ALTER TABLE gateway_idempotency ADD COLUMN locked_until TIMESTAMP;
-- Response headers a replay must carry (cache policy, ETag), as JSON.
ALTER TABLE gateway_idempotency ADD COLUMN headers TEXT;
