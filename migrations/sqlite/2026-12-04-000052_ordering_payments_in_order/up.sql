-- Ordering: an order's charges are read oldest first with every read of the order; an index in
-- that order lets the database walk it instead of sorting them in a temporary tree each time.
DROP INDEX ordering_payments_order;
CREATE INDEX ordering_payments_order ON ordering_payments (order_id, payment_id);
