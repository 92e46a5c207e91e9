//! The context of one call into a module: who makes it and which request it serves. Every
//! trait method that acts for someone takes one, so a service decides with the caller in
//! hand, and a call that crosses into another module (or, later, another process) carries
//! the same request id for the logs on both sides.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call<P> {
    pub principal: P,
    /// The edge's `X-Request-Id`, or what started the call outside a request.
    pub request_id: String,
}

impl<P> Call<P> {
    pub fn new(principal: P, request_id: impl Into<String>) -> Self {
        Self {
            principal,
            request_id: request_id.into(),
        }
    }
}

/// A call is made by its principal: `call.user_id`, `call.require(...)`.
impl<P> Deref for Call<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.principal
    }
}
