DROP INDEX kitchen_inbox_age;
