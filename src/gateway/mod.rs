//! The maître d': what stands in front of every module. Authentication and authorization
//! helpers, and the one place where module errors become problem+json.

pub mod audit;
pub mod auth;
pub mod deprecation;
pub mod header_limit;
pub mod idempotency;
pub mod metering;
pub mod metrics;
pub mod rate_limit;
