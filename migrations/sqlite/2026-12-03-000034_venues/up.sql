-- Venues: the places that take orders, their hours (JSON, in the venue's time zone) and
-- state. Existing data belongs to the default venue, open around the clock in UTC until
-- someone gives it hours.
CREATE TABLE venues_venues (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    time_zone    TEXT NOT NULL,
    currency     TEXT NOT NULL,
    hours        TEXT,
    exceptions   TEXT NOT NULL,
    mode         TEXT NOT NULL,
    busy_minutes INTEGER NOT NULL,
    refuse_asap  BOOLEAN NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

INSERT INTO venues_venues
    (id, name, address, time_zone, currency, hours, exceptions, mode, busy_minutes,
     refuse_asap, version, created_at, updated_at)
VALUES ('ven_default', 'Main venue', '', 'UTC', 'EUR', NULL, '[]', 'open', 0,
        FALSE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE venues_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);

CREATE TABLE venues_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
CREATE INDEX venues_inbox_age ON venues_inbox (handled_at);
