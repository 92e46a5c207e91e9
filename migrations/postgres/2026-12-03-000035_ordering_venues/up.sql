-- Ordering: every order belongs to a venue; those placed before venues existed, to the
-- default one.
ALTER TABLE ordering_orders ADD COLUMN venue_id TEXT NOT NULL DEFAULT 'ven_default';
