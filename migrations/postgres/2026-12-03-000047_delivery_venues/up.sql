-- Delivery: a delivery leaves from a venue; deliveries from before venues are the default
-- venue's.
ALTER TABLE delivery_deliveries ADD COLUMN venue_id TEXT NOT NULL DEFAULT 'ven_default';
