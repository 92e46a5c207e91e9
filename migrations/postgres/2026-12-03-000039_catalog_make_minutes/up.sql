-- Catalog: how long an item takes to make; an item without its own takes its category's.
ALTER TABLE catalog_categories ADD COLUMN make_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE catalog_items ADD COLUMN make_minutes INTEGER;
