diesel::table! {
    identity_users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        roles -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        plan -> Nullable<Text>,
        venue_ids -> Nullable<Text>,
    }
}

diesel::table! {
    identity_sessions (id) {
        id -> Text,
        user_id -> Text,
        refresh_digest -> Text,
        previous_refresh_digest -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    identity_login_throttle (email) {
        email -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(identity_sessions -> identity_users (user_id));
diesel::allow_tables_to_appear_in_same_query!(identity_users, identity_sessions);

diesel::table! {
    identity_api_keys (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        prefix -> Text,
        secret_digest -> Text,
        previous_digest -> Nullable<Text>,
        previous_valid_until -> Nullable<Timestamp>,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    identity_credentials_revision (id) {
        id -> Integer,
        revision -> BigInt,
    }
}
