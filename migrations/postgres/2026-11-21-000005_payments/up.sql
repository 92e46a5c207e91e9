-- Payments module: every table is prefixed payments_ and no other module reads them.
-- Card data is never stored beyond brand and last four digits.
CREATE TABLE payments_payments (
    id              TEXT PRIMARY KEY NOT NULL,
    order_id        TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    status          TEXT NOT NULL,
    amount          BIGINT NOT NULL,
    refunded_amount BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    card_brand      TEXT,
    card_last4      TEXT,
    failure_reason  TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX payments_payments_order ON payments_payments (order_id, status);
-- Never two live charges for one order, whatever the idempotency keys.
CREATE UNIQUE INDEX payments_one_live_charge_per_order
    ON payments_payments (order_id) WHERE status IN ('pending', 'captured');

CREATE TABLE payments_refunds (
    id         TEXT PRIMARY KEY NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments_payments (id),
    amount     BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE payments_idempotency (
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    payment_id   TEXT NOT NULL,
    locked_until TIMESTAMP NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (principal, key)
);

-- Events this module publishes, written in the same transaction as the change.
CREATE TABLE payments_outbox (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);

-- Events this module has handled, so redeliveries change nothing.
CREATE TABLE payments_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
