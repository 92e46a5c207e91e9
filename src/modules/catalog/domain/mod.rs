//! Catalog's rules as plain Rust: no HTTP, no database.

pub mod availability;
pub mod daypart;
pub mod menu;
pub mod offer;
pub mod rules;
