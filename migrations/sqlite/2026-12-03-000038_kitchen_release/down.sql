ALTER TABLE kitchen_tickets DROP COLUMN release_at;
