-- Venues: slots also count the make-minutes of the orders they hold, so a venue can cap the
-- kitchen work per slot as well as the number of orders.
ALTER TABLE venues_slots ADD COLUMN make_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE venues_reservations ADD COLUMN make_minutes INTEGER NOT NULL DEFAULT 0;
