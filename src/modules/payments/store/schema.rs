diesel::table! {
    payments_payments (id) {
        id -> Text,
        order_id -> Text,
        customer_id -> Text,
        status -> Text,
        amount -> BigInt,
        refunded_amount -> BigInt,
        currency -> Text,
        card_brand -> Nullable<Text>,
        card_last4 -> Nullable<Text>,
        failure_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    payments_refunds (id) {
        id -> Text,
        payment_id -> Text,
        amount -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payments_idempotency (principal, key) {
        principal -> Text,
        key -> Text,
        request_hash -> Text,
        payment_id -> Text,
        locked_until -> Timestamp,
        created_at -> Timestamp,
    }
}

crate::event_tables!("payments", outbox = payments_outbox, inbox = payments_inbox);
