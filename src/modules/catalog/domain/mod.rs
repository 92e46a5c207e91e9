//! Catalog's rules as plain Rust: no HTTP, no database.

pub mod menu;
pub mod rules;
