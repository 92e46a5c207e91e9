//! Per-process counters: governor's GCRA limiters, one pair per plan, keyed by bucket.

use std::collections::HashMap;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::policy::{Count, Decision, Window};
use crate::platform::config::PlanSettings;

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

pub struct MemoryStore {
    /// `(plan, window secs)` → limiter.
    limiters: HashMap<(String, u64), Keyed>,
    clock: DefaultClock,
}

impl MemoryStore {
    pub fn new(plans: &HashMap<String, PlanSettings>) -> Self {
        let mut limiters = HashMap::new();
        for (name, plan) in plans {
            for window in super::policy::windows(plan) {
                let Some(n) = NonZeroU32::new(u32::try_from(window.quota).unwrap_or(u32::MAX))
                else {
                    continue;
                };
                // `n` calls per window, refilled evenly (what `Quota::per_minute` does).
                let period = std::time::Duration::from_secs(window.secs) / n.get();
                let Some(quota) = Quota::with_period(period).map(|q| q.allow_burst(n)) else {
                    continue;
                };
                let limiter =
                    RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>();
                limiters.insert((name.clone(), window.secs), limiter);
            }
        }
        Self {
            limiters,
            clock: DefaultClock::default(),
        }
    }

    pub fn check(&self, plan: &str, key: &str, windows: &[Window]) -> Decision {
        let mut counts = Vec::new();
        for window in windows {
            let Some(limiter) = self.limiters.get(&(plan.to_owned(), window.secs)) else {
                continue;
            };
            let count = match limiter.check_key(&key.to_owned()) {
                Ok(state) => Count {
                    window: *window,
                    remaining: u64::from(state.remaining_burst_capacity()),
                    reset_secs: window.secs,
                    exceeded: false,
                },
                Err(not_until) => Count {
                    window: *window,
                    remaining: 0,
                    reset_secs: not_until
                        .wait_time_from(self.clock.now())
                        .as_secs_f64()
                        .ceil() as u64,
                    exceeded: true,
                },
            };
            let refused = count.exceeded;
            counts.push(count);
            if refused {
                break;
            }
        }
        Decision::from_counts(counts)
    }
}
