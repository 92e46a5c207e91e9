DROP TABLE governance_usage;
