-- Catalog: an item sold out at one venue only, until a time (the rest of the chain still
-- sells it).
CREATE TABLE catalog_venue_sold_out (
    item_id TEXT NOT NULL,
    venue_id TEXT NOT NULL,
    sold_out_until TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, venue_id)
);
CREATE INDEX catalog_venue_sold_out_due ON catalog_venue_sold_out (sold_out_until);
