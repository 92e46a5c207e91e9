-- Ordering: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX ordering_inbox_age ON ordering_inbox (handled_at);
