DROP INDEX gateway_inbox_age;
