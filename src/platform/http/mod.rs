//! HTTP helpers shared by every module's handlers and by the gateway.

pub mod cache;
pub mod etag;
pub mod extract;
pub mod fallback;
pub mod head;
pub mod request_id;
pub mod sse;
