-- Ordering: an order's make-minutes (all its items) and prep minutes (shared among makers), the time it was promised for and its current estimate;
-- the venue's orders in progress are summed for every quote.
ALTER TABLE ordering_orders ADD COLUMN make_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ordering_orders ADD COLUMN prep_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ordering_orders ADD COLUMN promised_at TIMESTAMP;
ALTER TABLE ordering_orders ADD COLUMN eta TIMESTAMP;
CREATE INDEX ordering_orders_venue_status ON ordering_orders (venue_id, status);
