DROP TABLE venues_reservations;
DROP TABLE venues_slots;
ALTER TABLE venues_venues DROP COLUMN scheduling;
