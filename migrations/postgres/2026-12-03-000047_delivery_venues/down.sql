ALTER TABLE delivery_deliveries DROP COLUMN venue_id;
