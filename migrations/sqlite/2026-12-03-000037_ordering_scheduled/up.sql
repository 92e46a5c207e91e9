-- Ordering: an order may be wanted at a given time rather than as soon as possible.
ALTER TABLE ordering_orders ADD COLUMN scheduled_for TIMESTAMP;
