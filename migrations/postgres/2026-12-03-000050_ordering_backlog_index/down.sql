DROP INDEX ordering_orders_backlog;
CREATE INDEX ordering_orders_venue_status ON ordering_orders (venue_id, status);
