-- Ordering: what each venue's kitchen has in hand for as soon as possible, kept as running
-- sums that an order's payment adds to and its being ready (or cancelled) takes from, so a
-- quote reads a few rows rather than every order in hand. A venue's load is the sum of its
-- rows: a transition adds to one of several (chosen by the order's id) so that concurrent
-- transitions at one venue do not queue on one row's lock.
CREATE TABLE ordering_kitchen_load (
    venue_id TEXT NOT NULL,
    shard INTEGER NOT NULL,
    asap_orders BIGINT NOT NULL,
    asap_minutes BIGINT NOT NULL,
    PRIMARY KEY (venue_id, shard)
);
INSERT INTO ordering_kitchen_load (venue_id, shard, asap_orders, asap_minutes)
SELECT venue_id, 0, count(*), sum(make_minutes)
FROM ordering_orders
WHERE status IN ('paid', 'in_preparation') AND scheduled_for IS NULL
GROUP BY venue_id;
