diesel::table! {
    governance_usage (hour, subject_kind, subject_id, operation, status_class) {
        hour -> Timestamp,
        subject_kind -> Text,
        subject_id -> Text,
        user_id -> Text,
        operation -> Text,
        status_class -> Integer,
        count -> BigInt,
        latency_sum_ms -> BigInt,
        b0 -> BigInt,
        b1 -> BigInt,
        b2 -> BigInt,
        b3 -> BigInt,
        b4 -> BigInt,
        b5 -> BigInt,
        b6 -> BigInt,
        b7 -> BigInt,
    }
}

diesel::table! {
    governance_audit (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Text,
        key_id -> Nullable<Text>,
        actor_roles -> Text,
        action -> Text,
        path -> Text,
        target_type -> Text,
        target_id -> Nullable<Text>,
        status -> Integer,
        request_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

crate::event_tables!(
    "governance",
    outbox = governance_outbox,
    inbox = governance_inbox
);
