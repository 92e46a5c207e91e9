diesel::table! {
    ordering_orders (id) {
        id -> Text,
        customer_id -> Text,
        status -> Text,
        fulfillment -> Text,
        note -> Text,
        subtotal -> BigInt,
        tax -> BigInt,
        delivery_fee -> BigInt,
        total -> BigInt,
        currency -> Text,
        tracking_code -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        request_key -> Nullable<Text>,
        venue_id -> Text,
        scheduled_for -> Nullable<Timestamp>,
        make_minutes -> Integer,
        prep_minutes -> Integer,
        promised_at -> Nullable<Timestamp>,
        eta -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ordering_lines (id) {
        id -> Text,
        order_id -> Text,
        position -> Integer,
        item_id -> Text,
        name -> Text,
        quantity -> Integer,
        unit_price -> BigInt,
        options -> Text,
        line_total -> BigInt,
        station -> Text,
    }
}

diesel::table! {
    ordering_payments (payment_id) {
        payment_id -> Text,
        order_id -> Text,
        status -> Text,
        amount -> BigInt,
        refunded_amount -> BigInt,
        currency -> Text,
        failure_reason -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ordering_kitchen_load (venue_id, shard) {
        venue_id -> Text,
        shard -> Integer,
        asap_orders -> BigInt,
        asap_minutes -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    ordering_orders,
    ordering_lines,
    ordering_payments,
    ordering_kitchen_load
);

crate::event_tables!("ordering", outbox = ordering_outbox, inbox = ordering_inbox);
