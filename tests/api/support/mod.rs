//! What every test builds on: one way to spawn an app on a fresh database (`TestApp`), its
//! request builders and response helpers, and the café fixture.

mod app;
mod cafe;
mod topology;

pub use app::*;
pub use cafe::Cafe;
pub use topology::{Host, Keys, spawn_edge, split_everything, vacant_port};

/// The text `field` of each object in the JSON array `list`, in order.
pub fn each(list: &serde_json::Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o[field].as_str().unwrap().to_owned())
        .collect()
}

/// Runs each named `async fn(Cafe)` twice: in the monolith, and with every module in a process
/// of its own behind the edge (own databases, internal calls over HTTP, events over
/// JetStream): clients see no difference.
macro_rules! in_both_topologies {
    ($($journey:ident),* $(,)?) => {
        mod monolith {
            $(
                #[actix_web::test]
                async fn $journey() {
                    super::$journey(crate::support::Cafe::open().await).await;
                }
            )*
        }

        mod split {
            $(
                #[actix_web::test]
                async fn $journey() {
                    super::$journey(crate::support::Cafe::split().await).await;
                }
            )*
        }
    };
}

pub(crate) use in_both_topologies;
