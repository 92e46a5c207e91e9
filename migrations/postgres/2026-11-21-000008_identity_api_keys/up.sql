-- Identity module: API keys. Only a SHA-256 digest of each secret is kept.
CREATE TABLE identity_api_keys (
    id                   TEXT PRIMARY KEY NOT NULL,
    user_id              TEXT NOT NULL REFERENCES identity_users (id),
    name                 TEXT NOT NULL,
    prefix               TEXT NOT NULL,
    secret_digest        TEXT NOT NULL UNIQUE,
    previous_digest      TEXT,
    previous_valid_until TIMESTAMP,
    scopes               TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    expires_at           TIMESTAMP,
    last_used_at         TIMESTAMP,
    revoked_at           TIMESTAMP
);
CREATE INDEX identity_api_keys_user ON identity_api_keys (user_id);
CREATE INDEX identity_api_keys_previous ON identity_api_keys (previous_digest);
