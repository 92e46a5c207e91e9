DROP INDEX ordering_orders_unpaid;
CREATE INDEX ordering_orders_customer ON ordering_orders (customer_id, status);
