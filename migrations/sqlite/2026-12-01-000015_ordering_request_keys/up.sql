-- Ordering: the Idempotency-Key an order was placed with, so a retry after a crash finds
-- the order it already committed instead of placing a second one.
ALTER TABLE ordering_orders ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX ordering_orders_request_key ON ordering_orders (customer_id, request_key);
