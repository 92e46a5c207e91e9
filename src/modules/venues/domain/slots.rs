//! Order-ahead slots: a venue's days cut into slots of equal length from local midnight,
//! whether a slot can take an order, and the next one that can.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::hours::{self, Opening, Schedule};

/// How a venue takes orders ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub slot: TimeDelta,
    /// A slot must start at least this long after now...
    pub min_lead: TimeDelta,
    /// ...and at most this long after now.
    pub max_ahead: TimeDelta,
}

/// What a slot may hold (`None`: no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capacity {
    pub orders: Option<u32>,
    pub make_minutes: Option<u32>,
}

/// What a slot holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    pub orders: u32,
    pub make_minutes: u32,
}

impl Capacity {
    pub fn is_limited(&self) -> bool {
        self.orders.is_some() || self.make_minutes.is_some()
    }

    /// Whether a slot holding `load` takes one more order of `make_minutes`. An empty slot
    /// takes any order, however long it takes to make: otherwise a large order could never
    /// be scheduled at all.
    pub fn fits(&self, load: Load, make_minutes: u32) -> bool {
        let orders = self.orders.is_none_or(|cap| load.orders < cap);
        let minutes = self.make_minutes.is_none_or(|cap| {
            load.orders == 0 || load.make_minutes.saturating_add(make_minutes) <= cap
        });
        orders && minutes
    }

    /// Orders a slot holding `load` has room for.
    pub fn orders_left(&self, load: Load) -> Option<u32> {
        self.orders.map(|cap| cap.saturating_sub(load.orders))
    }

    /// Make-minutes a slot holding `load` has room for.
    pub fn make_minutes_left(&self, load: Load) -> Option<u32> {
        self.make_minutes
            .map(|cap| cap.saturating_sub(load.make_minutes))
    }
}

/// Why a slot cannot take an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The venue is not open when the slot starts.
    Closed,
    /// The slot holds as many orders, or as many make-minutes, as it may.
    Full,
    /// It starts sooner than the kitchen needs.
    TooSoon,
    /// It starts further ahead than orders are taken.
    PastCutoff,
}

/// The starts of local date `date`'s slots: from its local midnight to the next, every
/// `slot` of elapsed time (a day that gains or loses an hour has more or fewer slots).
pub fn day_slots(tz: Tz, slot: TimeDelta, date: NaiveDate) -> Vec<DateTime<Utc>> {
    let from = hours::instant(tz, date.and_time(NaiveTime::MIN));
    let until = hours::instant(tz, (date + TimeDelta::days(1)).and_time(NaiveTime::MIN));
    let mut starts = Vec::new();
    let mut at = from;
    while at < until {
        starts.push(at);
        at += slot;
    }
    starts
}

/// The start of the slot that holds `at`.
pub fn slot_of(tz: Tz, slot: TimeDelta, at: DateTime<Utc>) -> DateTime<Utc> {
    let date = at.with_timezone(&tz).date_naive();
    let mut midnight = hours::instant(tz, date.and_time(NaiveTime::MIN));
    if midnight > at {
        // A day that starts after a gap: the slot is the previous day's.
        midnight = hours::instant(tz, (date - TimeDelta::days(1)).and_time(NaiveTime::MIN));
    }
    let slots = (at - midnight).num_seconds() / slot.num_seconds().max(1);
    midnight + slot * slots as i32
}

/// Why the slot starting at `start` cannot take an order now, if it cannot; `fits`: whether
/// it has room for the order.
pub fn unavailable(
    policy: &Policy,
    schedule: &Schedule,
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    fits: bool,
) -> Option<Unavailable> {
    if start < now + policy.min_lead {
        return Some(Unavailable::TooSoon);
    }
    if start > now + policy.max_ahead {
        return Some(Unavailable::PastCutoff);
    }
    if !matches!(schedule.at(start), Opening::Open { .. }) {
        return Some(Unavailable::Closed);
    }
    (!fits).then_some(Unavailable::Full)
}

/// The first slot from the one holding `from` that can take an order; `fits` says whether
/// the slot starting at a time has room for it.
pub fn next_available(
    policy: &Policy,
    schedule: &Schedule,
    now: DateTime<Utc>,
    from: DateTime<Utc>,
    fits: impl Fn(DateTime<Utc>) -> bool,
) -> Option<DateTime<Utc>> {
    let tz = schedule.tz;
    let first_start_at_or_after = |t: DateTime<Utc>| {
        let start = slot_of(tz, policy.slot, t);
        if start < t {
            slot_of(tz, policy.slot, start + policy.slot)
        } else {
            start
        }
    };
    let mut start = first_start_at_or_after(from.max(now + policy.min_lead));
    while start <= now + policy.max_ahead {
        match schedule.at(start) {
            Opening::Closed { opens_at: None } => return None,
            Opening::Closed {
                opens_at: Some(opens),
            } => start = first_start_at_or_after(opens),
            Opening::Open { .. } => {
                if fits(start) {
                    return Some(start);
                }
                start = slot_of(tz, policy.slot, start + policy.slot);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::modules::venues::domain::hours::Period;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn policy() -> Policy {
        Policy {
            slot: TimeDelta::minutes(15),
            min_lead: TimeDelta::minutes(20),
            max_ahead: TimeDelta::days(2),
        }
    }

    /// Paris, 08:00–11:00 every day.
    fn breakfast() -> Schedule {
        Schedule {
            tz: chrono_tz::Europe::Paris,
            weekly: Some(std::array::from_fn(|_| {
                vec![Period::parse("08:00", "11:00").unwrap()]
            })),
            exceptions: BTreeMap::new(),
        }
    }

    #[test]
    fn a_day_has_96_quarter_hours_except_when_the_clocks_change() {
        let paris = chrono_tz::Europe::Paris;
        let q = TimeDelta::minutes(15);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day_slots(paris, q, day("2026-06-10")).len(), 96);
        assert_eq!(day_slots(paris, q, day("2026-03-29")).len(), 92);
        assert_eq!(day_slots(paris, q, day("2026-10-25")).len(), 100);
        // Slots start on the local quarter hour: 00:00 in Paris is 22:00 UTC in summer.
        assert_eq!(
            day_slots(paris, q, day("2026-06-10"))[0],
            utc("2026-06-09T22:00:00Z")
        );
    }

    #[test]
    fn an_instant_belongs_to_the_slot_that_started_before_it() {
        let paris = chrono_tz::Europe::Paris;
        let q = TimeDelta::minutes(15);
        assert_eq!(
            slot_of(paris, q, utc("2026-06-10T06:44:59Z")),
            utc("2026-06-10T06:30:00Z")
        );
        assert_eq!(
            slot_of(paris, q, utc("2026-06-10T06:45:00Z")),
            utc("2026-06-10T06:45:00Z")
        );
        // Kathmandu is UTC+05:45: its quarter hours are UTC quarter hours too, its half
        // hours are not.
        let half = TimeDelta::minutes(30);
        assert_eq!(
            slot_of(
                chrono_tz::Asia::Kathmandu,
                half,
                utc("2026-06-10T06:20:00Z")
            ),
            utc("2026-06-10T06:15:00Z")
        );
    }

    #[test]
    fn a_slot_is_too_soon_past_the_cutoff_closed_or_full() {
        let now = utc("2026-06-10T06:00:00Z"); // 08:00 in Paris
        let (p, s) = (policy(), breakfast());
        let check = |start: &str, fits| unavailable(&p, &s, now, utc(start), fits);
        assert_eq!(
            check("2026-06-10T06:15:00Z", true),
            Some(Unavailable::TooSoon)
        );
        assert_eq!(check("2026-06-10T06:30:00Z", true), None);
        assert_eq!(
            check("2026-06-10T06:30:00Z", false),
            Some(Unavailable::Full)
        );
        assert_eq!(
            check("2026-06-10T09:00:00Z", true),
            Some(Unavailable::Closed)
        );
        assert_eq!(
            check("2026-06-13T06:30:00Z", true),
            Some(Unavailable::PastCutoff)
        );
    }

    #[test]
    fn the_next_slot_skips_full_ones_and_the_night() {
        let now = utc("2026-06-10T06:00:00Z");
        let (p, s) = (policy(), breakfast());
        let full_until_0845 = |start: DateTime<Utc>| start >= utc("2026-06-10T06:45:00Z");
        assert_eq!(
            next_available(&p, &s, now, utc("2026-06-10T06:30:00Z"), full_until_0845),
            Some(utc("2026-06-10T06:45:00Z"))
        );
        // From 10:50 (the last slot, 10:45, has started): tomorrow at 08:00.
        assert_eq!(
            next_available(&p, &s, now, utc("2026-06-10T08:50:00Z"), |_| true),
            Some(utc("2026-06-11T06:00:00Z"))
        );
        // Everything full: nothing within the two days orders are taken for.
        assert_eq!(next_available(&p, &s, now, now, |_| false), None);
    }

    #[test]
    fn a_slot_holds_so_many_orders_and_so_many_make_minutes() {
        let load = |orders, make_minutes| Load {
            orders,
            make_minutes,
        };
        let unlimited = Capacity::default();
        assert!(!unlimited.is_limited());
        assert!(unlimited.fits(load(1000, 100_000), 60));

        let ten_orders = Capacity {
            orders: Some(10),
            make_minutes: None,
        };
        assert!(ten_orders.fits(load(9, 500), 60));
        assert!(!ten_orders.fits(load(10, 0), 0));
        assert_eq!(ten_orders.orders_left(load(7, 0)), Some(3));
        assert_eq!(ten_orders.make_minutes_left(load(7, 0)), None);

        let an_hour_of_work = Capacity {
            orders: None,
            make_minutes: Some(60),
        };
        assert!(an_hour_of_work.fits(load(5, 50), 10));
        assert!(!an_hour_of_work.fits(load(5, 50), 11));
        assert_eq!(an_hour_of_work.make_minutes_left(load(5, 50)), Some(10));
        // An empty slot takes an order larger than the slot, so it can be scheduled at all;
        // then the slot is full.
        assert!(an_hour_of_work.fits(load(0, 0), 90));
        assert!(!an_hour_of_work.fits(load(1, 90), 1));

        let both = Capacity {
            orders: Some(3),
            make_minutes: Some(60),
        };
        assert!(both.fits(load(2, 30), 30));
        assert!(!both.fits(load(3, 30), 1));
        assert!(!both.fits(load(2, 31), 30));
    }
}
