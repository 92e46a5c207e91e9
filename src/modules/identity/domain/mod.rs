//! Identity's rules as plain Rust: no HTTP, no database.

pub mod email;
pub mod hasher;
pub mod password;
pub mod roles;
pub mod throttle;
pub mod tokens;
