DROP TABLE catalog_venue_sold_out;
