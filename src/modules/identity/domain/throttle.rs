//! Per-account login throttling: after `max_failures` failures inside the window the account
//! is locked for `lockout`; the lock answers 429 with the seconds left.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_failures: u32,
    pub lockout: Duration,
}

/// What we remember about an account's recent failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub failures: u32,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Policy {
    /// Seconds until the lock lifts, if the account is locked now.
    pub fn locked_for(&self, record: Option<&Record>, now: DateTime<Utc>) -> Option<u64> {
        let until = record?.locked_until?;
        (until > now).then(|| (until - now).num_seconds().max(1) as u64)
    }

    /// The record after one more failure at `now`.
    pub fn after_failure(&self, record: Option<&Record>, now: DateTime<Utc>) -> Record {
        let fresh = Record {
            failures: 1,
            window_started_at: now,
            locked_until: None,
        };
        let mut next = match record {
            Some(r)
                if now - r.window_started_at < self.lockout
                    && r.locked_until.is_none_or(|u| u > now) =>
            {
                Record {
                    failures: r.failures + 1,
                    ..*r
                }
            }
            _ => fresh,
        };
        if next.failures >= self.max_failures {
            next.locked_until = Some(now + self.lockout);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            max_failures: 3,
            lockout: Duration::minutes(15),
        }
    }

    #[test]
    fn locks_after_the_last_allowed_failure() {
        let now = Utc::now();
        let p = policy();
        let r1 = p.after_failure(None, now);
        let r2 = p.after_failure(Some(&r1), now);
        assert_eq!(p.locked_for(Some(&r2), now), None);
        let r3 = p.after_failure(Some(&r2), now);
        assert_eq!(r3.failures, 3);
        assert_eq!(p.locked_for(Some(&r3), now), Some(900));
        assert_eq!(p.locked_for(Some(&r3), now + Duration::minutes(16)), None);
    }

    #[test]
    fn failures_outside_the_window_start_over() {
        let now = Utc::now();
        let p = policy();
        let r = p.after_failure(Some(&p.after_failure(None, now)), now);
        let later = p.after_failure(Some(&r), now + Duration::hours(1));
        assert_eq!(later.failures, 1);
    }

    #[test]
    fn an_expired_lock_starts_a_new_window() {
        let now = Utc::now();
        let p = policy();
        let mut r = None;
        for _ in 0..3 {
            r = Some(p.after_failure(r.as_ref(), now));
        }
        let after = p.after_failure(r.as_ref(), now + Duration::minutes(20));
        assert_eq!(after.failures, 1);
        assert_eq!(after.locked_until, None);
    }
}
