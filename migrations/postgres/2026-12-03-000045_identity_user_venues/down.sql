ALTER TABLE identity_users DROP COLUMN venue_ids;
