//! When an order will be ready: its own make time, shared among the venue's makers, behind
//! what the kitchen already has in hand, plus the minutes a busy venue adds.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use crate::modules::venues::api::{Opening, VenueMode};

/// What making an order takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Every item's make time times its quantity.
    pub make_minutes: u32,
    /// The longest single item: however many hands there are, one item is made by one.
    pub longest_minutes: u32,
}

/// What the venue's kitchen has ahead of a new order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    /// Make-minutes of the orders paid and not ready yet.
    pub backlog_minutes: u32,
    /// People making orders at once.
    pub makers: u32,
    /// Minutes a busy venue adds to every quote.
    pub busy_minutes: u32,
}

/// What is ahead of an order placed at `now`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Orders for as soon as possible in progress.
    pub asap: u32,
    /// Their make-minutes, with those of scheduled orders due within the hour.
    pub make_minutes: u32,
}

impl Backlog {
    /// From the database's sums (never negative, and far below `u32::MAX` in any kitchen).
    pub fn of_sums(asap: i64, make_minutes: i64) -> Self {
        let clamp = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        Self {
            asap: clamp(asap),
            make_minutes: clamp(make_minutes),
        }
    }
}

/// Scheduled orders due later than this are not in the way of one placed now.
const SCHEDULED_HORIZON: TimeDelta = TimeDelta::hours(1);

/// The latest a scheduled order in progress may be due to count in the backlog of an order
/// placed at `now`.
pub fn horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    now + SCHEDULED_HORIZON
}

/// The load a new order for as soon as possible meets at a venue.
pub fn load(opening: &Opening, backlog: Backlog) -> Load {
    Load {
        backlog_minutes: backlog.make_minutes,
        makers: opening.scheduling.makers,
        busy_minutes: match opening.state.mode {
            VenueMode::Busy => opening.state.busy_minutes,
            _ => 0,
        },
    }
}

/// Whether the venue already has as many orders for as soon as possible as it takes.
pub fn kitchen_full(opening: &Opening, backlog: Backlog) -> bool {
    opening
        .scheduling
        .max_asap_in_progress
        .is_some_and(|max| backlog.asap >= max)
}

/// Minutes the kitchen needs for `work` alone.
pub fn prep_minutes(work: Work, makers: u32) -> u32 {
    work.make_minutes
        .div_ceil(makers.max(1))
        .max(work.longest_minutes)
}

/// How an order wanted as soon as possible is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quote {
    /// The order's own make time.
    pub prep_minutes: u32,
    /// Waiting for what the kitchen already has.
    pub wait_minutes: u32,
    pub busy_minutes: u32,
}

impl Quote {
    pub fn minutes(&self) -> u32 {
        self.prep_minutes + self.wait_minutes + self.busy_minutes
    }

    /// The promised time: `now` plus the quote, on the next whole minute.
    pub fn promised_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let at = now + TimeDelta::minutes(i64::from(self.minutes()));
        let minute = TimeDelta::minutes(1);
        match at.duration_trunc(minute) {
            Ok(floor) if floor == at => at,
            Ok(floor) => floor + minute,
            Err(_) => at,
        }
    }
}

pub fn quote(work: Work, load: Load) -> Quote {
    let prep = prep_minutes(work, load.makers);
    let makers = load.makers.max(1);
    // The backlog and this order share the makers; this order cannot be ready before its
    // own longest item is.
    let together = (load.backlog_minutes + work.make_minutes).div_ceil(makers);
    Quote {
        prep_minutes: prep,
        wait_minutes: together.saturating_sub(prep),
        busy_minutes: load.busy_minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(make_minutes: u32, longest_minutes: u32) -> Work {
        Work {
            make_minutes,
            longest_minutes,
        }
    }

    fn idle(makers: u32) -> Load {
        Load {
            backlog_minutes: 0,
            makers,
            busy_minutes: 0,
        }
    }

    #[test]
    fn an_order_takes_its_make_minutes_shared_among_the_makers() {
        // Two flat whites (3 min) and a croissant (1 min): 7 make-minutes.
        assert_eq!(quote(work(7, 3), idle(1)).minutes(), 7);
        assert_eq!(quote(work(7, 3), idle(2)).minutes(), 4);
        // Never sooner than its longest item, however many hands.
        assert_eq!(quote(work(7, 3), idle(10)).minutes(), 3);
    }

    #[test]
    fn the_kitchen_s_backlog_comes_first_and_busy_minutes_on_top() {
        let q = quote(
            work(6, 3),
            Load {
                backlog_minutes: 30,
                makers: 2,
                busy_minutes: 10,
            },
        );
        assert_eq!(
            (q.prep_minutes, q.wait_minutes, q.busy_minutes),
            (3, 15, 10)
        );
        assert_eq!(q.minutes(), 28);
    }

    #[test]
    fn scheduled_orders_count_when_due_within_the_hour() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(horizon(now), now + TimeDelta::minutes(60));
    }

    #[test]
    fn sums_read_from_the_database_fit_the_backlog() {
        assert_eq!(
            Backlog::of_sums(2, 12),
            Backlog {
                asap: 2,
                make_minutes: 12
            }
        );
        assert_eq!(Backlog::of_sums(-1, i64::MAX).make_minutes, u32::MAX);
        assert_eq!(Backlog::of_sums(-1, 0).asap, 0);
    }

    #[test]
    fn nothing_to_make_is_ready_at_once() {
        assert_eq!(quote(Work::default(), idle(1)).minutes(), 0);
    }

    #[test]
    fn the_promised_time_lands_on_the_next_whole_minute() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T08:00:20Z")
            .unwrap()
            .to_utc();
        let q = quote(work(4, 4), idle(1));
        assert_eq!(q.promised_at(now).to_rfc3339(), "2026-12-03T08:05:00+00:00");
        let on_the_minute = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            q.promised_at(on_the_minute).to_rfc3339(),
            "2026-12-03T08:04:00+00:00"
        );
    }
}
