-- Governance's audit tables, in a migration of their own (each migration creates one owner's
-- tables). Databases migrated before the split got them from 000012, hence IF NOT EXISTS.

-- Governance: its own outbox (for events it may publish) and inbox (events it handled).
CREATE TABLE IF NOT EXISTS governance_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS governance_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);

-- Governance: the audit trail of staff and admin writes.
CREATE TABLE IF NOT EXISTS governance_audit (
    id          TEXT PRIMARY KEY NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT NOT NULL,
    key_id      TEXT,
    actor_roles TEXT NOT NULL,
    action      TEXT NOT NULL,
    path        TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT,
    status      INTEGER NOT NULL,
    request_id  TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX IF NOT EXISTS governance_audit_actor ON governance_audit (actor_id, id);
CREATE INDEX IF NOT EXISTS governance_audit_target ON governance_audit (target_id, id);
