ALTER TABLE venues_reservations DROP COLUMN make_minutes;
ALTER TABLE venues_slots DROP COLUMN make_minutes;
