-- Delivery: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX delivery_inbox_age ON delivery_inbox (handled_at);
