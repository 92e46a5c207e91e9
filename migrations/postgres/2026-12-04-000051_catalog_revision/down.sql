DROP TABLE catalog_revision;
