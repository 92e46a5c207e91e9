//! Whether a venue takes an order: within its hours, not paused, and — for an order wanted
//! as soon as possible — not too busy for one.

use chrono::{DateTime, Utc};

use crate::modules::venues::api::{Opening, VenueMode};

/// When the customer wants the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Asap,
    /// At a slot the venue checks itself when the order takes its place.
    Scheduled,
}

/// Why the venue refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Outside its hours; `opens_at`: its next opening, if within a year.
    Closed {
        opens_at: Option<DateTime<Utc>>,
    },
    Paused,
    Busy,
}

pub fn refusal(opening: &Opening, when: When) -> Option<Refusal> {
    if opening.state.mode == VenueMode::Paused {
        return Some(Refusal::Paused);
    }
    if !opening.open && when == When::Asap {
        return Some(Refusal::Closed {
            opens_at: opening.opens_at,
        });
    }
    let swamped = opening.state.mode == VenueMode::Busy && opening.state.refuse_asap;
    (swamped && when == When::Asap).then_some(Refusal::Busy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::venues::api::VenueState;

    fn opening(open: bool, mode: VenueMode, refuse_asap: bool) -> Opening {
        Opening {
            venue_id: "ven_default".into(),
            at: DateTime::UNIX_EPOCH,
            open,
            closes_at: None,
            opens_at: (!open).then_some(DateTime::UNIX_EPOCH),
            state: VenueState {
                mode,
                busy_minutes: 15,
                refuse_asap,
            },
            scheduling: Default::default(),
        }
    }

    #[test]
    fn an_open_venue_takes_orders_even_when_busy_unless_it_refuses_asap_ones() {
        assert_eq!(
            refusal(&opening(true, VenueMode::Open, false), When::Asap),
            None
        );
        assert_eq!(
            refusal(&opening(true, VenueMode::Busy, false), When::Asap),
            None
        );
        assert_eq!(
            refusal(&opening(true, VenueMode::Busy, true), When::Asap),
            Some(Refusal::Busy)
        );
    }

    #[test]
    fn a_scheduled_order_comes_in_while_the_venue_is_closed_or_swamped_but_not_paused() {
        assert_eq!(
            refusal(&opening(false, VenueMode::Open, false), When::Scheduled),
            None
        );
        assert_eq!(
            refusal(&opening(true, VenueMode::Busy, true), When::Scheduled),
            None
        );
        assert_eq!(
            refusal(&opening(false, VenueMode::Paused, false), When::Scheduled),
            Some(Refusal::Paused)
        );
    }

    #[test]
    fn pausing_refuses_everything_and_closed_says_when_it_opens() {
        assert_eq!(
            refusal(&opening(true, VenueMode::Paused, false), When::Asap),
            Some(Refusal::Paused)
        );
        assert_eq!(
            refusal(&opening(false, VenueMode::Open, false), When::Asap),
            Some(Refusal::Closed {
                opens_at: Some(DateTime::UNIX_EPOCH)
            })
        );
    }
}
