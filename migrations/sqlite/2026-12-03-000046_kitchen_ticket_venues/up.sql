-- Kitchen: a ticket belongs to the venue whose kitchen makes it; tickets from before venues are
-- the default venue's.
ALTER TABLE kitchen_tickets ADD COLUMN venue_id TEXT NOT NULL DEFAULT 'ven_default';
CREATE INDEX kitchen_tickets_venue ON kitchen_tickets (venue_id, id);
