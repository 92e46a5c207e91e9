//! What every test builds on: one way to spawn an app on a fresh database (`TestApp`), its
//! request builders and response helpers, and the café fixture.

mod app;
mod cafe;
mod topology;

pub use app::*;
pub use cafe::Cafe;
pub use topology::{Host, Keys, spawn_edge, split_everything, vacant_port};
