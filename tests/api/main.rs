//! Brigade through its real HTTP stack and a real database. One test binary keeps link times
//! low; each test starts its own server and database.

mod api_keys;
mod audit;
mod authorization;
mod catalog;
mod cli;
mod credential_changes;
mod dashboard;
mod database;
mod docs;
mod edge;
mod errors;
mod governance;
mod idempotency;
mod identity;
mod journey;
mod kitchen_and_delivery;
mod metrics;
mod operations;
mod ordering;
mod payments;
mod quotas;
mod quotes;
mod rate_limits;
mod retention;
mod serving_hours;
mod sold_out;
mod streams;
mod support;
mod tls;
mod topology;
mod traces;
mod venue_menus;
mod venues;
mod webhooks;
mod wire;
