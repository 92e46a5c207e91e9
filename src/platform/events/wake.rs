//! How a producer tells the dispatcher "I just committed events", so they go out now rather
//! than at the next poll.
//!
//! Each producer has its own signal: a commit to the ordering outbox wakes only the loops
//! reading that outbox, not every subscription's (each woken loop reads its outbox once, so a
//! shared signal made every commit cost a read per subscription).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::watch;

/// Carries when the newest commit was announced: an outbox read begun after that moment sees
/// every commit announced so far (each announces itself once committed).
type Signal = Arc<watch::Sender<Instant>>;

/// Cheap to clone. The root makes one; each producer publishes through [`Wake::of`] its name.
#[derive(Clone, Default)]
pub struct Wake {
    signals: Arc<Mutex<HashMap<&'static str, Signal>>>,
    /// The producer this handle publishes for; `None` wakes every producer's loops.
    own: Option<Signal>,
}

impl Wake {
    /// The handle `producer` publishes through.
    pub fn of(&self, producer: &'static str) -> Wake {
        Wake {
            signals: self.signals.clone(),
            own: Some(self.signal(producer)),
        }
    }

    /// Wakes the loops reading this handle's producer's outbox (every loop for a handle not
    /// made by [`Wake::of`]).
    pub fn published(&self) {
        match &self.own {
            Some(signal) => ring(signal),
            None => self.all().iter().for_each(ring),
        }
    }

    /// What a loop reading `producer`'s outbox waits on.
    pub(super) fn watch(&self, producer: &'static str) -> watch::Receiver<Instant> {
        self.signal(producer).subscribe()
    }

    fn signal(&self, producer: &'static str) -> Signal {
        let mut signals = self.signals.lock().unwrap_or_else(|e| e.into_inner());
        signals
            .entry(producer)
            .or_insert_with(|| Arc::new(watch::channel(Instant::now()).0))
            .clone()
    }

    fn all(&self) -> Vec<Signal> {
        let signals = self.signals.lock().unwrap_or_else(|e| e.into_inner());
        signals.values().cloned().collect()
    }
}

fn ring(signal: &Signal) {
    signal.send_replace(Instant::now());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_producer_wakes_only_the_loops_reading_its_outbox() {
        let wake = Wake::default();
        let mut ordering = wake.watch("ordering");
        let kitchen = wake.watch("kitchen");
        wake.of("ordering").published();
        assert!(ordering.has_changed().unwrap());
        assert!(!kitchen.has_changed().unwrap());
        ordering.mark_unchanged();
        wake.of("kitchen").published();
        assert!(kitchen.has_changed().unwrap());
        assert!(!ordering.has_changed().unwrap());
    }

    #[test]
    fn a_handle_of_no_producer_wakes_every_loop() {
        let wake = Wake::default();
        let ordering = wake.watch("ordering");
        let kitchen = wake.watch("kitchen");
        wake.published();
        assert!(ordering.has_changed().unwrap());
        assert!(kitchen.has_changed().unwrap());
    }

    #[test]
    fn a_loop_started_after_its_producer_published_still_sees_later_commits() {
        let wake = Wake::default();
        let ordering = wake.of("ordering");
        ordering.published();
        let woken = wake.watch("ordering");
        assert!(!woken.has_changed().unwrap());
        ordering.published();
        assert!(woken.has_changed().unwrap());
    }
}
