-- Webhooks: partners' endpoints. The secret signs deliveries, so it is kept (not hashed).
CREATE TABLE webhooks_endpoints (
    id                          TEXT PRIMARY KEY NOT NULL,
    owner_id                    TEXT NOT NULL,
    url                         TEXT NOT NULL,
    event_types                 TEXT NOT NULL,
    description                 TEXT,
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  TIMESTAMP,
    status                      TEXT NOT NULL,
    disabled_reason             TEXT,
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_endpoints_owner ON webhooks_endpoints (owner_id);

-- One message per endpoint and event; its id is the webhook-id on every attempt.
CREATE TABLE webhooks_deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    endpoint_id     TEXT NOT NULL REFERENCES webhooks_endpoints (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhooks_deliveries_due ON webhooks_deliveries (status, next_attempt_at);

CREATE TABLE webhooks_attempts (
    id           TEXT PRIMARY KEY NOT NULL,
    delivery_id  TEXT NOT NULL REFERENCES webhooks_deliveries (id) ON DELETE CASCADE,
    at           TIMESTAMP NOT NULL,
    status_code  INTEGER,
    error        TEXT,
    duration_ms  BIGINT NOT NULL
);
CREATE INDEX webhooks_attempts_delivery ON webhooks_attempts (delivery_id, at);

CREATE TABLE webhooks_outbox (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
CREATE TABLE webhooks_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
