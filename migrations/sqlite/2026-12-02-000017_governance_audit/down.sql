DROP TABLE governance_audit;
DROP TABLE governance_inbox;
DROP TABLE governance_outbox;
