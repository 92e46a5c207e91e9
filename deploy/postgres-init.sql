-- One database per process: no module can reach another's tables.
CREATE DATABASE brigade_edge;
CREATE DATABASE brigade_identity;
CREATE DATABASE brigade_venues;
CREATE DATABASE brigade_catalog;
CREATE DATABASE brigade_ordering;
CREATE DATABASE brigade_payments;
CREATE DATABASE brigade_kitchen;
CREATE DATABASE brigade_delivery;
CREATE DATABASE brigade_governance;
CREATE DATABASE brigade_webhooks;
