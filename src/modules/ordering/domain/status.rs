//! The order state machine:
//! placed → paid → in_preparation → ready → picked_up | out_for_delivery → delivered,
//! and cancelled (customers before preparation, staff until completion).

use crate::modules::ordering::api::{OrderStatus, OrderingError};
use OrderStatus::*;

/// Whether the system (a payment, the kitchen, a courier) may move an order `from` → `to`.
pub fn advance(from: OrderStatus, to: OrderStatus, delivery: bool) -> Result<(), OrderingError> {
    let allowed = matches!(
        (from, to),
        (Placed, Paid)
            | (Paid, InPreparation)
            | (InPreparation, Ready)
            | (OutForDelivery, Delivered)
    ) || (from == Ready && to == PickedUp && !delivery)
        || (from == Ready && to == OutForDelivery && delivery);
    if allowed {
        Ok(())
    } else {
        Err(OrderingError::illegal(from, to))
    }
}

/// Whether the order may be cancelled now, by a customer or by staff.
pub fn cancel(from: OrderStatus, by_staff: bool) -> Result<(), OrderingError> {
    let allowed = if by_staff {
        !is_final(from)
    } else {
        matches!(from, Placed | Paid)
    };
    if allowed {
        Ok(())
    } else {
        Err(OrderingError::illegal(from, Cancelled))
    }
}

/// Money was taken and not yet given back by the time of this status.
pub fn was_paid(status: OrderStatus) -> bool {
    !matches!(status, Placed | Cancelled)
}

pub fn is_final(status: OrderStatus) -> bool {
    matches!(status, PickedUp | Delivered | Cancelled)
}

/// The statuses of an order in the kitchen's hands: paid, and not ready (nor cancelled) yet.
pub const IN_KITCHEN: [OrderStatus; 2] = [Paid, InPreparation];

pub fn in_kitchen(status: OrderStatus) -> bool {
    IN_KITCHEN.contains(&status)
}

/// Whether a move `from` → `to` puts the order in the kitchen's hands (`Some(true)`), takes
/// it out of them (`Some(false)`) or neither.
pub fn kitchen_change(from: OrderStatus, to: OrderStatus) -> Option<bool> {
    (in_kitchen(from) != in_kitchen(to)).then_some(in_kitchen(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_paths_are_allowed() {
        for (from, to, delivery) in [
            (Placed, Paid, false),
            (Paid, InPreparation, false),
            (InPreparation, Ready, true),
            (Ready, PickedUp, false),
            (Ready, OutForDelivery, true),
            (OutForDelivery, Delivered, true),
        ] {
            assert!(advance(from, to, delivery).is_ok(), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn skipping_or_going_back_is_refused_naming_both_states() {
        let err = advance(Placed, Ready, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an order cannot go from `placed` to `ready`"
        );
        assert!(advance(Ready, Paid, false).is_err());
        assert!(
            advance(Ready, OutForDelivery, false).is_err(),
            "pickup orders are not driven"
        );
        assert!(
            advance(Ready, PickedUp, true).is_err(),
            "delivery orders are not handed over"
        );
        assert!(advance(Cancelled, Paid, false).is_err());
    }

    #[test]
    fn payment_puts_an_order_in_the_kitchens_hands_and_ready_or_cancelled_takes_it_out() {
        assert_eq!(kitchen_change(Placed, Paid), Some(true));
        assert_eq!(kitchen_change(Paid, InPreparation), None);
        assert_eq!(kitchen_change(InPreparation, Ready), Some(false));
        assert_eq!(kitchen_change(Paid, Cancelled), Some(false));
        assert_eq!(kitchen_change(InPreparation, Cancelled), Some(false));
        assert_eq!(kitchen_change(Placed, Cancelled), None);
        assert_eq!(kitchen_change(Ready, PickedUp), None);
    }

    #[test]
    fn customers_cancel_before_preparation_and_staff_until_completion() {
        assert!(cancel(Placed, false).is_ok());
        assert!(cancel(Paid, false).is_ok());
        assert!(cancel(InPreparation, false).is_err());
        assert!(cancel(InPreparation, true).is_ok());
        assert!(cancel(OutForDelivery, true).is_ok());
        assert!(cancel(Delivered, true).is_err());
        assert!(cancel(Cancelled, true).is_err());
    }
}
