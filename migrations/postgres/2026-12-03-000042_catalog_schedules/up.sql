-- Catalog: when items are served (JSON weekly windows on the venue's clock); an item without
-- its own follows its category's, and neither means whenever the venue is open.
ALTER TABLE catalog_categories ADD COLUMN schedule TEXT;
ALTER TABLE catalog_items ADD COLUMN schedule TEXT;
