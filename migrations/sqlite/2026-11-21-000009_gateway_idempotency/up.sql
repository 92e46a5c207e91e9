-- Gateway: stored responses of POSTs sent with an Idempotency-Key, per principal.
CREATE TABLE gateway_idempotency (
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT,
    location     TEXT,
    body         TEXT,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX gateway_idempotency_age ON gateway_idempotency (created_at);
