//! Two lanes into PostgreSQL's pool: the work events ask for ahead of new requests.
//!
//! Work an event asks for (a consumer's transaction, the bus's reads of an outbox, a cursor's
//! save) finishes what the service has already answered for: a captured payment waits for its
//! order to be marked paid, the paid order for its ticket. With one queue, requests under load
//! held every connection and each hop of an order's events waited behind them. Requests now
//! share all but a quarter of the pool; event work may take any connection, so it always has
//! one soon. SQLite needs no lanes: its one writer takes each commit's units in arrival order
//! and its reads never wait for a connection long.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

tokio::task_local! {
    static EVENT_WORK: ();
}

/// Runs `work` (and every database call it makes, on this task) in the events' lane.
pub async fn as_event_work<F: Future>(work: F) -> F::Output {
    EVENT_WORK.scope((), work).await
}

/// Whether this task runs in the events' lane.
pub fn is_event_work() -> bool {
    EVENT_WORK.try_with(|_| ()).is_ok()
}

/// Admission to a pool of connections shared by requests and event work.
pub struct Lanes {
    /// Connections requests may hold at once; `None`: as many as the pool has.
    requests: Option<Arc<Semaphore>>,
}

impl Lanes {
    /// Lanes into a pool of `pool_size` connections: a quarter of them (rounded down) kept
    /// for event work.
    pub fn new(pool_size: u32) -> Self {
        let kept = pool_size / 4;
        Self {
            requests: (kept > 0).then(|| Arc::new(Semaphore::new((pool_size - kept) as usize))),
        }
    }

    /// No lanes: every caller takes the next free connection.
    pub fn none() -> Self {
        Self { requests: None }
    }

    /// Waits until the caller may take a connection; hold what it answers until the
    /// connection is back in the pool.
    pub async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        let requests = self.requests.as_ref().filter(|_| !is_event_work())?;
        // The semaphore is never closed.
        requests.clone().acquire_owned().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    #[actix_web::test]
    async fn requests_leave_a_quarter_of_the_pool_to_event_work() {
        let lanes = Lanes::new(8);
        let mut held = Vec::new();
        for _ in 0..6 {
            held.push(lanes.admit().now_or_never().expect("a request is admitted"));
        }
        assert!(
            lanes.admit().now_or_never().is_none(),
            "a seventh request waits"
        );
        let event_work = as_event_work(lanes.admit()).now_or_never();
        assert!(
            matches!(event_work, Some(None)),
            "event work never waits for admission"
        );
        held.pop();
        assert!(
            lanes.admit().now_or_never().is_some(),
            "a request goes in once one ends"
        );
    }

    #[actix_web::test]
    async fn a_pool_too_small_to_share_has_one_lane() {
        let lanes = Lanes::new(3);
        let held: Vec<_> = (0..3)
            .map(|_| lanes.admit().now_or_never().expect("admitted"))
            .collect();
        assert!(held.iter().all(Option::is_none));
    }
}
