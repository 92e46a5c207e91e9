//! Work a module keeps doing for as long as the process serves (a delivery loop, a sweeper),
//! handed to the composition root, which starts it on the server's runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type Start = dyn Fn() -> Pin<Box<dyn Future<Output = ()>>> + Send + Sync;

/// A never-ending task, started on the thread that runs it: it need not be `Send` (actix's
/// HTTP client, for one, belongs to its thread).
#[derive(Clone)]
pub struct Background(Arc<Start>);

impl Background {
    pub fn new<F, Fut>(start: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        Self(Arc::new(move || Box::pin(start())))
    }

    /// The task; runs until dropped.
    pub fn run(&self) -> impl Future<Output = ()> + use<> {
        (self.0)()
    }
}
