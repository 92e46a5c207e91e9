DROP TABLE webhooks_inbox;
DROP TABLE webhooks_outbox;
DROP TABLE webhooks_attempts;
DROP TABLE webhooks_deliveries;
DROP TABLE webhooks_endpoints;
