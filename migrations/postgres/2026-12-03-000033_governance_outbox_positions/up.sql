-- Governance: its outbox positions events by committing transaction (platform_outbox_positions),
-- so appends no longer serialise on a lock held until commit.
ALTER TABLE governance_outbox ALTER COLUMN seq SET DEFAULT brigade_outbox_position();
