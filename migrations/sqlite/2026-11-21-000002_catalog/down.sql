DROP TABLE catalog_options;
DROP TABLE catalog_option_groups;
DROP TABLE catalog_item_tags;
DROP TABLE catalog_items;
DROP TABLE catalog_categories;
