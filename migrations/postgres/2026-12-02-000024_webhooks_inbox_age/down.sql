DROP INDEX webhooks_inbox_age;
