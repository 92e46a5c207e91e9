DROP INDEX governance_inbox_age;
