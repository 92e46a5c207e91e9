ALTER TABLE catalog_items DROP COLUMN venue_prices;
ALTER TABLE catalog_items DROP COLUMN venue_ids;
