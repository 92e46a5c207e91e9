DROP TABLE ordering_payments;
