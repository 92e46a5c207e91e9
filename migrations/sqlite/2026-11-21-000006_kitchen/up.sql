-- Kitchen module: every table is prefixed kitchen_ and no other module reads them.
CREATE TABLE kitchen_tickets (
    id         TEXT PRIMARY KEY NOT NULL,
    order_id   TEXT NOT NULL UNIQUE,
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX kitchen_tickets_status ON kitchen_tickets (status, id);

CREATE TABLE kitchen_lines (
    id        TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES kitchen_tickets (id),
    position  INTEGER NOT NULL,
    station   TEXT NOT NULL,
    name      TEXT NOT NULL,
    quantity  INTEGER NOT NULL,
    options   TEXT NOT NULL,
    status    TEXT NOT NULL
);
CREATE INDEX kitchen_lines_ticket ON kitchen_lines (ticket_id, position);
CREATE INDEX kitchen_lines_station ON kitchen_lines (station, ticket_id);

-- Events this module publishes, written in the same transaction as the change.
CREATE TABLE kitchen_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    event_type   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    aggregate_id TEXT NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      TEXT NOT NULL
);

-- Events this module has handled, so redeliveries change nothing.
CREATE TABLE kitchen_inbox (
    event_id   TEXT PRIMARY KEY NOT NULL,
    handled_at TIMESTAMP NOT NULL
);
