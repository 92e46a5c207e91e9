DROP INDEX ordering_inbox_age;
