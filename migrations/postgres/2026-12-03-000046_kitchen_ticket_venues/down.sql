DROP INDEX kitchen_tickets_venue;
ALTER TABLE kitchen_tickets DROP COLUMN venue_id;
