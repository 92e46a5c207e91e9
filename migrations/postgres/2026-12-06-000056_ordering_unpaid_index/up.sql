-- Ordering: the (customer_id, status) index served the count of a customer's unpaid orders
-- when they place one (a customer's list, filtered by status or not, walks
-- `ordering_orders_by_customer` newest first on SQLite; PostgreSQL weighs it against
-- `ordering_orders_status`). Every order entered it when placed and moved in it when paid,
-- keyed by customer. This one holds the unpaid orders only, a handful of entries a customer.
DROP INDEX ordering_orders_customer;
CREATE INDEX ordering_orders_unpaid ON ordering_orders (customer_id) WHERE status = 'placed';
