diesel::table! {
    delivery_deliveries (id) {
        id -> Text,
        order_id -> Text,
        tracking_code -> Text,
        status -> Text,
        courier_id -> Nullable<Text>,
        address -> Text,
        lat -> Nullable<Double>,
        lng -> Nullable<Double>,
        position_at -> Nullable<Timestamp>,
        eta -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        venue_id -> Text,
    }
}

crate::event_tables!("delivery", outbox = delivery_outbox, inbox = delivery_inbox);
