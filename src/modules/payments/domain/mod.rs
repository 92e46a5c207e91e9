//! Payments' rules, in plain Rust.

pub mod rules;
