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
