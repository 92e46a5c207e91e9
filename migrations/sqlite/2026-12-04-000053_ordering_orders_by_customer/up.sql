-- Ordering: a customer's orders are listed newest first (`GET /v1/orders` with their token or
-- key). The (customer_id, status) index finds them but not in that order, so every page sorted
-- all of the customer's orders: a cost growing with their history, large for an integration
-- placing every order under one key. This index walks them newest first and stops at the page.
CREATE INDEX ordering_orders_by_customer ON ordering_orders (customer_id, id);
