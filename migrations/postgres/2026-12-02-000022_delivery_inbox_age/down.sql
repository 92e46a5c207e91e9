DROP INDEX delivery_inbox_age;
