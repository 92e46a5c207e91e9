DROP INDEX ordering_orders_venue_status;
ALTER TABLE ordering_orders DROP COLUMN eta;
ALTER TABLE ordering_orders DROP COLUMN promised_at;
ALTER TABLE ordering_orders DROP COLUMN prep_minutes;
ALTER TABLE ordering_orders DROP COLUMN make_minutes;
