-- Event delivery bookkeeping (platform): one cursor per subscription, and dead letters.
CREATE TABLE event_cursors (
    subscription TEXT PRIMARY KEY NOT NULL,
    position     BIGINT NOT NULL,
    attempts     INTEGER NOT NULL,
    retry_at     TIMESTAMP NOT NULL,
    last_error   TEXT NOT NULL,
    lease_owner  TEXT NOT NULL,
    leased_until TIMESTAMP NOT NULL
);

CREATE TABLE event_dead_letters (
    id           TEXT PRIMARY KEY NOT NULL,
    subscription TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    event        TEXT NOT NULL,
    error        TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    dead_at      TIMESTAMP NOT NULL,
    redriven_at  TIMESTAMP
);
