-- Ordering: the (customer_id, status) index served one query, the count of a customer's unpaid
-- orders when they place one (a customer's list, filtered by status or not, walks
-- `ordering_orders_by_customer` newest first). Every order entered it when placed and moved in
-- it when paid, keyed by customer: six pages a commit of the journey's log. This one holds the
-- unpaid orders only, a handful of entries a customer, so it stays a page or two.
DROP INDEX ordering_orders_customer;
CREATE INDEX ordering_orders_unpaid ON ordering_orders (customer_id) WHERE status = 'placed';
