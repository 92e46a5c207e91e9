//! Venues' rules, in plain Rust: opening hours in the venue's own time zone.

pub mod hours;
pub mod slots;
