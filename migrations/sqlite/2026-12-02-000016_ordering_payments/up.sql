-- Ordering: what payments told it about each order's charges, so an order shows its payments
-- without ordering reading payments' tables (fed by payment.captured/failed/refunded).
CREATE TABLE ordering_payments (
    payment_id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL,
    refunded_amount BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    failure_reason TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ordering_payments_order ON ordering_payments (order_id);
