//! Delivery's rules, in plain Rust: the courier's steps and who may take them, and what a
//! courier sees of a delivery on offer.

pub mod steps;
