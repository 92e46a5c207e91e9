-- Identity module: every table is prefixed identity_ and no other module reads them.
CREATE TABLE identity_users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE identity_sessions (
    id                      TEXT PRIMARY KEY NOT NULL,
    user_id                 TEXT NOT NULL REFERENCES identity_users (id) ON DELETE CASCADE,
    refresh_digest          TEXT NOT NULL UNIQUE,
    previous_refresh_digest TEXT,
    created_at              TIMESTAMP NOT NULL,
    expires_at              TIMESTAMP NOT NULL,
    revoked_at              TIMESTAMP
);
CREATE INDEX identity_sessions_user_id ON identity_sessions (user_id);
CREATE INDEX identity_sessions_previous ON identity_sessions (previous_refresh_digest);

CREATE TABLE identity_login_throttle (
    email             TEXT PRIMARY KEY NOT NULL,
    failures          INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until      TIMESTAMP
);
