DROP TABLE ordering_inbox;
DROP TABLE ordering_outbox;
DROP TABLE ordering_lines;
DROP TABLE ordering_orders;
