DROP TABLE gateway_inbox;
DROP TABLE gateway_outbox;
