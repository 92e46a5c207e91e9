-- Webhooks: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX webhooks_inbox_age ON webhooks_inbox (handled_at);
