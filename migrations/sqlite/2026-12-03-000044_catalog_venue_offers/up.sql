-- Catalog: an item may be offered at some venues only (JSON array; NULL: every venue) and
-- priced per venue (JSON object of prices by venue id).
ALTER TABLE catalog_items ADD COLUMN venue_ids TEXT;
ALTER TABLE catalog_items ADD COLUMN venue_prices TEXT NOT NULL DEFAULT '{}';
