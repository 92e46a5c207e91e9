DROP TABLE venues_inbox;
DROP TABLE venues_outbox;
DROP TABLE venues_venues;
