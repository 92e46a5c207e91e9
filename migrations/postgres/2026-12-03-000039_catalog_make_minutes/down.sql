ALTER TABLE catalog_items DROP COLUMN make_minutes;
ALTER TABLE catalog_categories DROP COLUMN make_minutes;
