-- Kitchen: a scheduled order's ticket is held back from the stations until release_at.
ALTER TABLE kitchen_tickets ADD COLUMN release_at TIMESTAMP;
