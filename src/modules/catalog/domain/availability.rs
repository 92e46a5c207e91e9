//! Whether an item or option can be ordered at a time: offered by staff, not sold out then,
//! portions left.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::daypart::Daypart;
use super::offer::Offer;
use crate::modules::catalog::api::{Unavailability, UnavailableReason};

/// The venue an item is looked at for: which one, on which clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Here {
    pub venue_id: String,
    pub tz: Tz,
}

/// An item's availability as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stocked {
    /// Offered by staff at all.
    pub offered: bool,
    pub sold_out_until: Option<DateTime<Utc>>,
    /// Portions left, when counted.
    pub stock: Option<i32>,
}

impl Stocked {
    /// Sold out until `until` as well (at one venue): whichever ends last of the sell-outs
    /// still running at `at`.
    pub fn sold_out_until_at_least(self, until: DateTime<Utc>, at: DateTime<Utc>) -> Self {
        let running = self
            .sold_out_until
            .filter(|current| sold_out_at(Some(*current), at));
        Self {
            sold_out_until: Some(running.map_or(until, |current| current.max(until))),
            ..self
        }
    }

    pub fn orderable_at(&self, at: DateTime<Utc>) -> bool {
        self.offered && !sold_out_at(self.sold_out_until, at) && self.stock != Some(0)
    }

    /// Why it cannot be ordered at `at`, and from when it can; `None` when it can. Its
    /// serving hours count when the venue's time zone is known.
    pub fn unavailable(
        &self,
        served: Option<(&Daypart, Tz)>,
        at: DateTime<Utc>,
    ) -> Option<Unavailability> {
        let refused = |reason, until| Some(Unavailability { reason, until });
        if !self.offered {
            return refused(UnavailableReason::NotOffered, None);
        }
        if sold_out_at(self.sold_out_until, at) || self.stock == Some(0) {
            return refused(UnavailableReason::SoldOut, self.sold_out_until);
        }
        match served.map(|(daypart, tz)| daypart.served_at(tz, at)) {
            Some(Err(next)) => refused(UnavailableReason::OutsideItsHours, next),
            _ => None,
        }
    }
}

/// Why an item offered as `offer` and served during `served` cannot be ordered at venue
/// `here` (anywhere, with serving hours left out, when `None`) at `at`.
pub fn unavailable_here(
    stocked: &Stocked,
    offer: &Offer,
    served: Option<&Daypart>,
    here: Option<&Here>,
    at: DateTime<Utc>,
) -> Option<Unavailability> {
    if let Some(here) = here
        && !offer.offered_at(&here.venue_id)
    {
        return Some(Unavailability {
            reason: UnavailableReason::NotAtThisVenue,
            until: None,
        });
    }
    stocked.unavailable(served.zip(here.map(|h| h.tz)), at)
}

/// Whether something sold out until `until` is still sold out at `at`.
pub fn sold_out_at(until: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    until.is_some_and(|until| until > at)
}

/// When something sold out now comes back: the time staff gave, or `default`; `None` when
/// the time given has passed already (it is back: sold out until 09:00, said at 09:01).
pub fn comes_back_at(
    asked: Option<DateTime<Utc>>,
    default: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match asked {
        Some(until) if until <= now => None,
        Some(until) => Some(until),
        None => Some(default),
    }
}

/// Portions left once a paid order takes `quantity`; never below nothing.
pub fn take(stock: i32, quantity: u32) -> i32 {
    (i64::from(stock) - i64::from(quantity)).max(0) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn an_item_is_orderable_when_offered_not_sold_out_then_and_with_portions_left() {
        let noon = at("2026-12-03T12:00:00Z");
        let item = |offered, sold_out_until, stock| Stocked {
            offered,
            sold_out_until,
            stock,
        };
        assert!(item(true, None, None).orderable_at(noon));
        assert!(!item(false, None, None).orderable_at(noon));
        assert!(!item(true, Some(noon + TimeDelta::hours(1)), None).orderable_at(noon));
        // Back at the time it was sold out until, and for an order wanted after it.
        assert!(item(true, Some(noon), None).orderable_at(noon));
        assert!(
            item(true, Some(noon + TimeDelta::hours(1)), None)
                .orderable_at(noon + TimeDelta::hours(2))
        );
        assert!(!item(true, None, Some(0)).orderable_at(noon));
        assert!(item(true, None, Some(1)).orderable_at(noon));
    }

    #[test]
    fn a_sell_out_at_one_venue_adds_to_one_everywhere_and_the_later_end_counts() {
        let noon = at("2026-12-03T12:00:00Z");
        let everywhere_until = |until| Stocked {
            offered: true,
            sold_out_until: until,
            stock: None,
        };
        let two = noon + TimeDelta::hours(2);
        let four = noon + TimeDelta::hours(4);
        let here = everywhere_until(None).sold_out_until_at_least(two, noon);
        assert_eq!(here.sold_out_until, Some(two));
        assert!(!here.orderable_at(noon));
        assert_eq!(
            everywhere_until(Some(four))
                .sold_out_until_at_least(two, noon)
                .sold_out_until,
            Some(four)
        );
        // A sell-out everywhere that has ended does not count.
        let ended = noon - TimeDelta::hours(1);
        assert_eq!(
            everywhere_until(Some(ended))
                .sold_out_until_at_least(two, noon)
                .sold_out_until,
            Some(two)
        );
    }

    #[test]
    fn staff_name_a_time_or_take_the_venue_s_next_day_and_a_time_passed_is_back() {
        let now = at("2026-12-03T12:00:00Z");
        let tomorrow = at("2026-12-04T07:00:00Z");
        assert_eq!(comes_back_at(None, tomorrow, now), Some(tomorrow));
        let later = now + TimeDelta::hours(2);
        assert_eq!(comes_back_at(Some(later), tomorrow, now), Some(later));
        assert_eq!(comes_back_at(Some(now), tomorrow, now), None);
    }

    #[test]
    fn an_item_a_venue_does_not_offer_is_unavailable_there_first() {
        let noon = at("2026-12-03T12:00:00Z");
        let sold_out = Stocked {
            offered: true,
            sold_out_until: Some(noon + TimeDelta::hours(1)),
            stock: None,
        };
        let station_only = Offer {
            venues: Some(vec!["ven_station".into()]),
            ..Offer::default()
        };
        let here = |venue_id: &str| Here {
            venue_id: venue_id.into(),
            tz: chrono_tz::Europe::Paris,
        };
        let reason = |venue: Option<&Here>| {
            unavailable_here(&sold_out, &station_only, None, venue, noon).map(|u| u.reason)
        };
        assert_eq!(
            reason(Some(&here("ven_default"))),
            Some(UnavailableReason::NotAtThisVenue)
        );
        assert_eq!(
            reason(Some(&here("ven_station"))),
            Some(UnavailableReason::SoldOut)
        );
        // Anywhere: as stored.
        assert_eq!(reason(None), Some(UnavailableReason::SoldOut));
    }

    #[test]
    fn portions_count_down_to_nothing_and_no_further() {
        assert_eq!(take(5, 2), 3);
        assert_eq!(take(1, 3), 0);
    }
}
