-- Identity: staff, kitchen and courier accounts may be limited to venues (JSON array of venue
-- ids); NULL: every venue.
ALTER TABLE identity_users ADD COLUMN venue_ids TEXT;
