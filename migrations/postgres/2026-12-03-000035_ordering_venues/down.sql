ALTER TABLE ordering_orders DROP COLUMN venue_id;
