DROP TABLE kitchen_inbox;
DROP TABLE kitchen_outbox;
DROP TABLE kitchen_lines;
DROP TABLE kitchen_tickets;
