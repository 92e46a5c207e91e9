//! Technical plumbing shared by every module. Knows nothing about business capabilities.

pub mod background;
pub mod by_keys;
pub mod call;
pub mod clock;
pub mod config;
pub mod db;
pub mod descriptor;
pub mod events;
pub mod fresh;
pub mod http;
pub mod ids;
pub mod internal_token;
pub mod lenient;
pub mod memory;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod remote;
pub mod retention;
pub mod telemetry;
pub mod time_text;
pub mod validation;
pub mod wiring;
pub mod worker_priority;
