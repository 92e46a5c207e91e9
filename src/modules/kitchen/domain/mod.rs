//! The kitchen's rules, in plain Rust: how lines and tickets move, and what each move
//! announces to the stations.

pub mod tickets;
