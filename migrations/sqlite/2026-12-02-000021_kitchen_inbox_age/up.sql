-- Kitchen: its inbox forgets handled events by age (events.inbox_retention_hours).
CREATE INDEX kitchen_inbox_age ON kitchen_inbox (handled_at);
