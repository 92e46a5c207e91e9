DROP INDEX ordering_orders_request_key;
CREATE UNIQUE INDEX ordering_orders_request_key ON ordering_orders (customer_id, request_key);
