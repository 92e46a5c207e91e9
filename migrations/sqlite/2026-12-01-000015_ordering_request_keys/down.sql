DROP INDEX ordering_orders_request_key;
ALTER TABLE ordering_orders DROP COLUMN request_key;
