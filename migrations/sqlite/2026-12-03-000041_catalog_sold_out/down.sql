DROP TABLE catalog_inbox;
DROP TABLE catalog_outbox;
DROP INDEX catalog_options_sold_out;
DROP INDEX catalog_items_sold_out;
ALTER TABLE catalog_options DROP COLUMN sold_out_until;
ALTER TABLE catalog_items DROP COLUMN stock;
ALTER TABLE catalog_items DROP COLUMN sold_out_until;
