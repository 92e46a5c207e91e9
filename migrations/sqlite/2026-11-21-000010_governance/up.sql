-- Governance: request counts per hour, subject, operation and status class, written in
-- batches by the usage meter (latency in buckets b0..b7, see LATENCY_BOUNDS_MS).
CREATE TABLE governance_usage (
    hour           TIMESTAMP NOT NULL,
    subject_kind   TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    operation      TEXT NOT NULL,
    status_class   INTEGER NOT NULL,
    count          BIGINT NOT NULL,
    latency_sum_ms BIGINT NOT NULL,
    b0 BIGINT NOT NULL, b1 BIGINT NOT NULL, b2 BIGINT NOT NULL, b3 BIGINT NOT NULL,
    b4 BIGINT NOT NULL, b5 BIGINT NOT NULL, b6 BIGINT NOT NULL, b7 BIGINT NOT NULL,
    PRIMARY KEY (hour, subject_kind, subject_id, operation, status_class)
);
CREATE INDEX governance_usage_subject ON governance_usage (subject_kind, subject_id, hour);
CREATE INDEX governance_usage_user ON governance_usage (user_id, hour);
