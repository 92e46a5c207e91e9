ALTER TABLE catalog_items DROP COLUMN timed_prices;
