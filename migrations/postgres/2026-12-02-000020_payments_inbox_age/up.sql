-- Payments: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX payments_inbox_age ON payments_inbox (handled_at);
