-- Gateway: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX gateway_inbox_age ON gateway_inbox (handled_at);
