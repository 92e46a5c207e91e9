DROP INDEX ordering_payments_order;
CREATE INDEX ordering_payments_order ON ordering_payments (order_id);
