diesel::table! {
    kitchen_tickets (id) {
        id -> Text,
        order_id -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        release_at -> Nullable<Timestamp>,
        venue_id -> Text,
    }
}

diesel::table! {
    kitchen_lines (id) {
        id -> Text,
        ticket_id -> Text,
        position -> Integer,
        station -> Text,
        name -> Text,
        quantity -> Integer,
        options -> Text,
        status -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(kitchen_tickets, kitchen_lines);

crate::event_tables!("kitchen", outbox = kitchen_outbox, inbox = kitchen_inbox);
