-- Governance: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX governance_inbox_age ON governance_inbox (handled_at);
