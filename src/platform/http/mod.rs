//! HTTP helpers shared by every module's handlers and by the gateway.

pub mod body_deadline;
pub mod cache;
pub mod caller;
pub mod contract_paths;
pub mod errors_as_problems;
pub mod etag;
pub mod extract;
pub mod fallback;
pub mod head;
pub mod policy;
pub mod request_id;
pub mod route;
pub mod scopes;
pub mod shown_once;
pub mod shutdown;
pub mod sse;
