//! What every test builds on: one way to spawn an app on a fresh database (`TestApp`), its
//! request builders and response helpers, and the café fixture.

mod app;
mod cafe;

pub use app::*;
pub use cafe::Cafe;
