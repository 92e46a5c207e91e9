-- Identity module: one counter, raised in the transaction of every change that makes a
-- credential mean less (logout, password change, roles, plan, API key revocation or rotation).
-- Every replica compares it before trusting its cache of sessions and keys.
CREATE TABLE identity_credentials_revision (
    id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO identity_credentials_revision (id, revision) VALUES (1, 0);
