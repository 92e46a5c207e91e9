-- Catalog module: every table is prefixed catalog_ and no other module reads them.
CREATE TABLE catalog_categories (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    position    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX catalog_categories_order ON catalog_categories (position, id);

CREATE TABLE catalog_items (
    id          TEXT PRIMARY KEY NOT NULL,
    category_id TEXT NOT NULL REFERENCES catalog_categories (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    price       BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    available   BOOLEAN NOT NULL,
    position    INTEGER NOT NULL,
    station     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX catalog_items_category ON catalog_items (category_id);
CREATE INDEX catalog_items_order ON catalog_items (position, id);

CREATE TABLE catalog_item_tags (
    item_id TEXT NOT NULL REFERENCES catalog_items (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
);
CREATE INDEX catalog_item_tags_tag ON catalog_item_tags (tag);

CREATE TABLE catalog_option_groups (
    id          TEXT PRIMARY KEY NOT NULL,
    item_id     TEXT NOT NULL REFERENCES catalog_items (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    min_choices INTEGER NOT NULL,
    max_choices INTEGER NOT NULL,
    position    INTEGER NOT NULL
);
CREATE INDEX catalog_option_groups_item ON catalog_option_groups (item_id);

CREATE TABLE catalog_options (
    id          TEXT PRIMARY KEY NOT NULL,
    group_id    TEXT NOT NULL REFERENCES catalog_option_groups (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    price_delta BIGINT NOT NULL,
    position    INTEGER NOT NULL
);
CREATE INDEX catalog_options_group ON catalog_options (group_id);
