diesel::table! {
    venues_venues (id) {
        id -> Text,
        name -> Text,
        address -> Text,
        time_zone -> Text,
        currency -> Text,
        hours -> Nullable<Text>,
        exceptions -> Text,
        mode -> Text,
        busy_minutes -> Integer,
        refuse_asap -> Bool,
        scheduling -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    venues_slots (venue_id, fulfillment, starts_at) {
        venue_id -> Text,
        fulfillment -> Text,
        starts_at -> Timestamp,
        taken -> Integer,
        make_minutes -> Integer,
    }
}

diesel::table! {
    venues_reservations (order_id) {
        order_id -> Text,
        venue_id -> Text,
        fulfillment -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reserved_by -> Text,
        created_at -> Timestamp,
        make_minutes -> Integer,
    }
}

crate::event_tables!("venues", outbox = venues_outbox, inbox = venues_inbox);
