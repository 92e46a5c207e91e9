-- Catalog: prices in force at set times on each venue's clock (happy hour), a JSON array of
-- {hours, price}.
ALTER TABLE catalog_items ADD COLUMN timed_prices TEXT NOT NULL DEFAULT '[]';
