//! Where an item is offered and at what price, venue by venue.

use std::collections::BTreeMap;

/// An item's offer across venues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// The venues that offer it; `None`: every venue.
    pub venues: Option<Vec<String>>,
    /// Its price at a venue, instead of its own.
    pub prices: BTreeMap<String, i64>,
}

impl Offer {
    /// Whether venue `venue_id` offers it.
    pub fn offered_at(&self, venue_id: &str) -> bool {
        self.venues
            .as_ref()
            .is_none_or(|venues| venues.iter().any(|v| v == venue_id))
    }

    /// Its price at venue `venue_id`: the venue's own, or `base`.
    pub fn price_at(&self, venue_id: &str, base: i64) -> i64 {
        self.prices.get(venue_id).copied().unwrap_or(base)
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

    #[test]
    fn an_item_is_offered_everywhere_unless_venues_are_named() {
        let everywhere = Offer::default();
        assert!(everywhere.offered_at("ven_default"));
        assert!(everywhere.offered_at("ven_station"));
        let only_the_station = Offer {
            venues: Some(vec!["ven_station".into()]),
            prices: BTreeMap::new(),
        };
        assert!(only_the_station.offered_at("ven_station"));
        assert!(!only_the_station.offered_at("ven_default"));
        let nowhere = Offer {
            venues: Some(Vec::new()),
            prices: BTreeMap::new(),
        };
        assert!(!nowhere.offered_at("ven_default"));
    }

    #[test]
    fn a_venue_may_charge_its_own_price() {
        let offer = Offer {
            venues: Some(vec!["ven_station".into(), "ven_default".into()]),
            prices: BTreeMap::from([("ven_station".into(), 450), ("ven_airport".into(), 520)]),
        };
        assert_eq!(offer.price_at("ven_station", 380), 450);
        assert_eq!(offer.price_at("ven_default", 380), 380);
        assert_eq!(
            offer.named_venues(),
            ["ven_station", "ven_default", "ven_airport"]
        );
    }
}
