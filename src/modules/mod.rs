//! Business capabilities. Each module owns its tables and exposes only its `api` (trait, DTOs,
//! events, errors) to the rest of the crate; its domain, storage and HTTP handlers are private.

pub mod catalog;
pub mod identity;

/// Which modules' `api` each module may use. `tests/architecture.rs` fails when the code uses
/// an undeclared dependency, reaches past an `api`, or when this graph has a cycle.
pub const DEPENDENCIES: &[(&str, &[&str])] = &[("identity", &[]), ("catalog", &["identity"])];
