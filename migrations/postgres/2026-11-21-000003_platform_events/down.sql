DROP TABLE event_dead_letters;
DROP TABLE event_cursors;
