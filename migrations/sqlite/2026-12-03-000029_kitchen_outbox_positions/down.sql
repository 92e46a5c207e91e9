-- Kitchen: nothing to change on SQLite (see platform_outbox_positions).
SELECT 1;
