DROP TABLE delivery_inbox;
DROP TABLE delivery_outbox;
DROP TABLE delivery_deliveries;
