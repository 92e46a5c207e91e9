diesel::table! {
    catalog_categories (id) {
        id -> Text,
        name -> Text,
        description -> Text,
        position -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        make_minutes -> Integer,
        schedule -> Nullable<Text>,
    }
}

diesel::table! {
    catalog_items (id) {
        id -> Text,
        category_id -> Text,
        name -> Text,
        description -> Text,
        price -> BigInt,
        currency -> Text,
        available -> Bool,
        position -> Integer,
        station -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        make_minutes -> Nullable<Integer>,
        sold_out_until -> Nullable<Timestamp>,
        stock -> Nullable<Integer>,
        schedule -> Nullable<Text>,
        venue_ids -> Nullable<Text>,
        venue_prices -> Text,
        timed_prices -> Text,
    }
}

diesel::table! {
    catalog_item_tags (item_id, tag) {
        item_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    catalog_option_groups (id) {
        id -> Text,
        item_id -> Text,
        name -> Text,
        min_choices -> Integer,
        max_choices -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    catalog_options (id) {
        id -> Text,
        group_id -> Text,
        name -> Text,
        price_delta -> BigInt,
        position -> Integer,
        sold_out_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    catalog_venue_sold_out (item_id, venue_id) {
        item_id -> Text,
        venue_id -> Text,
        sold_out_until -> Timestamp,
    }
}

diesel::table! {
    catalog_revision (id) {
        id -> Integer,
        revision -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    catalog_categories,
    catalog_items,
    catalog_item_tags,
    catalog_option_groups,
    catalog_options,
);

crate::event_tables!("catalog", outbox = catalog_outbox, inbox = catalog_inbox);
