ALTER TABLE catalog_items DROP COLUMN schedule;
ALTER TABLE catalog_categories DROP COLUMN schedule;
