ALTER TABLE ordering_orders DROP COLUMN scheduled_for;
