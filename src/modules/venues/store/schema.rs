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
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

crate::event_tables!("venues", outbox = venues_outbox, inbox = venues_inbox);
