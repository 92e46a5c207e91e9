-- Catalog module: one counter, raised in the transaction of every change to the catalog's
-- items, categories, options, tags, sell-outs and portions. A process keeps the items it
-- priced, and uses them only while the counter has not moved: so every replica prices a
-- basket as the catalog stands when the order is placed.
CREATE TABLE catalog_revision (
    id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);
