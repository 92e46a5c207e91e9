//! Brigade: an ordering backend for cafés and restaurants, built as a modular monolith.
//!
//! - [`platform`]: shared technical plumbing (config, database, problems, telemetry, HTTP helpers).
//! - [`modules`]: business capabilities; each exposes only its `api` to the rest of the crate.
//! - [`gateway`]: what stands in front of every module (authentication, error mapping, fallbacks).
//! - [`app`]: the composition root, the only place that wires implementations together.
//! - [`cli`]: the `brigade` command line.

pub mod app;
pub mod cli;
pub mod gateway;
pub mod modules;
pub mod platform;
