-- Outbox positions in commit order without a lock (platform; each module's outbox takes it
-- as the default of its `seq`). A position is the appending transaction's id shifted left by
-- 20 bits, plus the event's index within that transaction. Every transaction below a
-- reader's snapshot xmin has ended, so the events positioned below `xmin << 20` are final:
-- readers stop there, and no event can ever appear behind a position they have passed.
CREATE FUNCTION brigade_outbox_position() RETURNS BIGINT
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n BIGINT := COALESCE(NULLIF(current_setting('brigade.outbox_index', true), ''), '0')::BIGINT;
BEGIN
    IF n >= 1048576 THEN
        RAISE EXCEPTION 'one transaction appends at most 1048576 outbox events';
    END IF;
    -- Transaction-local: the next transaction starts again at 0.
    PERFORM set_config('brigade.outbox_index', (n + 1)::TEXT, true);
    RETURN (pg_current_xact_id()::TEXT::BIGINT << 20) | n;
END
$$;
