DROP FUNCTION brigade_outbox_position();
