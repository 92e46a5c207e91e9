//! Where an item is offered and at what price, venue by venue and hour by hour.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::daypart::Daypart;

/// An item's offer across venues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// The venues that offer it; `None`: every venue.
    pub venues: Option<Vec<String>>,
    /// Its price at a venue, instead of its own.
    pub prices: BTreeMap<String, i64>,
    /// Prices in force during windows on the venue's clock (happy hour): the first window
    /// holding the time wins over the others.
    pub timed: Vec<(Daypart, i64)>,
}

impl Offer {
    /// Whether venue `venue_id` offers it.
    pub fn offered_at(&self, venue_id: &str) -> bool {
        self.venues
            .as_ref()
            .is_none_or(|venues| venues.iter().any(|v| v == venue_id))
    }

    /// Its price at venue `venue_id` (on clock `tz`) at `at`: a timed price in force then,
    /// else the venue's own, else `base`.
    pub fn price_at(&self, venue_id: &str, tz: Tz, at: DateTime<Utc>, base: i64) -> i64 {
        self.timed
            .iter()
            .find(|(window, _)| window.served_at(tz, at).is_ok())
            .map(|(_, price)| *price)
            .or_else(|| self.prices.get(venue_id).copied())
            .unwrap_or(base)
    }

    /// The venues named, each once, in the order first given.
    pub fn named_venues(&self) -> Vec<&str> {
        let mut named: Vec<&str> = Vec::new();
        let listed = self.venues.iter().flatten().map(String::as_str);
        for venue in listed.chain(self.prices.keys().map(String::as_str)) {
            if !named.contains(&venue) {
                named.push(venue);
            }
        }
        named
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::venues::api::{Period, WeeklyHours};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// 17:00–19:00 on Fridays.
    fn friday_happy_hour() -> Daypart {
        let hours = WeeklyHours {
            friday: vec![Period {
                opens: "17:00".into(),
                closes: "19:00".into(),
            }],
            ..WeeklyHours::default()
        };
        Daypart::parse("timed_prices[0].hours", &hours).unwrap()
    }

    #[test]
    fn happy_hour_wins_on_the_venue_s_clock_while_it_lasts() {
        let offer = Offer {
            prices: BTreeMap::from([("ven_station".into(), 450)]),
            timed: vec![(friday_happy_hour(), 300)],
            ..Offer::default()
        };
        let (paris, new_york) = (chrono_tz::Europe::Paris, chrono_tz::America::New_York);
        // Friday 4 December 2026, 17:30 in Paris (16:30 UTC): happy hour there.
        let evening = at("2026-12-04T16:30:00Z");
        assert_eq!(offer.price_at("ven_station", paris, evening, 380), 300);
        assert_eq!(offer.price_at("ven_default", paris, evening, 380), 300);
        // The same instant is 11:30 in New York: the usual prices.
        assert_eq!(offer.price_at("ven_station", new_york, evening, 380), 450);
        assert_eq!(offer.price_at("ven_default", new_york, evening, 380), 380);
        // 19:00 in Paris: over.
        assert_eq!(
            offer.price_at("ven_default", paris, at("2026-12-04T18:00:00Z"), 380),
            380
        );
    }

    #[test]
    fn an_item_is_offered_everywhere_unless_venues_are_named() {
        let everywhere = Offer::default();
        assert!(everywhere.offered_at("ven_default"));
        assert!(everywhere.offered_at("ven_station"));
        let only_the_station = Offer {
            venues: Some(vec!["ven_station".into()]),
            ..Offer::default()
        };
        assert!(only_the_station.offered_at("ven_station"));
        assert!(!only_the_station.offered_at("ven_default"));
        let nowhere = Offer {
            venues: Some(Vec::new()),
            ..Offer::default()
        };
        assert!(!nowhere.offered_at("ven_default"));
    }

    #[test]
    fn a_venue_may_charge_its_own_price() {
        let offer = Offer {
            venues: Some(vec!["ven_station".into(), "ven_default".into()]),
            prices: BTreeMap::from([("ven_station".into(), 450), ("ven_airport".into(), 520)]),
            ..Offer::default()
        };
        let (paris, noon) = (chrono_tz::Europe::Paris, at("2026-12-04T11:00:00Z"));
        assert_eq!(offer.price_at("ven_station", paris, noon, 380), 450);
        assert_eq!(offer.price_at("ven_default", paris, noon, 380), 380);
        assert_eq!(
            offer.named_venues(),
            ["ven_station", "ven_default", "ven_airport"]
        );
    }
}
