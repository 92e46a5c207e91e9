//! A module's `api` trait served across a process boundary: the same trait, in-process or
//! over HTTP. The hosting process answers `/internal/<module>/<method>` on its internal
//! listener (never the public one); a process that needs the module elsewhere wires a client
//! implementing the very same trait, so handlers and other modules cannot tell the difference.
//!
//! Each call carries a short-lived internal token naming the module it is for and the caller
//! the edge authenticated ([`crate::platform::internal_token`]); the hosting process verifies
//! it and rebuilds the call context from it, and the service authorizes as usual. Reads go as
//! `GET` (retried on a dropped connection or a 503), writes as `POST` (never retried: a write
//! may have happened). A module error comes back as problem+json whose `error` member is the
//! error itself, and becomes the same variant on the calling side.
//!
//! A module declares its calls once with [`remote_api!`](crate::remote_api), which generates
//! both the client and the dispatcher.

mod caller;
mod client;
mod declare;
mod server;
mod settings;

pub use caller::{Caller, Lend};
pub use client::{Circuit, INTERNAL_KEEP_ALIVE, Kind, RemoteFailure, RemoteModule};
pub use server::{InternalRoutes, Served, ServedCall, answer, internal_document};
pub use settings::{DEFAULTS, InternalSettings, RemoteTarget, TopologySettings};
