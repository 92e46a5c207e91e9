DROP INDEX payments_inbox_age;
