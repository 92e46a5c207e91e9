//! A delivery's course: the steps a courier takes, in order, and who may take them.

use crate::modules::delivery::api::events as ev;
use crate::modules::delivery::api::{Delivery, DeliveryError, DeliveryStatus};

/// One courier step: the status it starts from, where it leads, and what it announces.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub from: DeliveryStatus,
    pub to: DeliveryStatus,
    pub announces: Option<&'static str>,
}

pub const CLAIM: Step = Step {
    from: DeliveryStatus::AwaitingCourier,
    to: DeliveryStatus::Claimed,
    announces: None,
};

pub const PICK_UP: Step = Step {
    from: DeliveryStatus::Claimed,
    to: DeliveryStatus::PickedUp,
    announces: Some(ev::DELIVERY_PICKED_UP),
};

/// A position report on the way: the status stays.
pub const PING: Step = Step {
    from: DeliveryStatus::PickedUp,
    to: DeliveryStatus::PickedUp,
    announces: None,
};

pub const DELIVER: Step = Step {
    from: DeliveryStatus::PickedUp,
    to: DeliveryStatus::Delivered,
    announces: Some(ev::DELIVERY_DELIVERED),
};

/// Who takes a step: a courier, or an admin who may move anyone's delivery.
#[derive(Debug, Clone, Copy)]
pub struct Mover<'a> {
    pub courier_id: &'a str,
    pub overrides: bool,
}

impl Step {
    /// Whether `mover` may take this step on delivery `id`, now `current` and claimed by
    /// `owner`. Another courier's delivery is none of this one's business: as if absent.
    pub fn allowed(
        &self,
        id: &str,
        current: DeliveryStatus,
        owner: Option<&str>,
        mover: Mover<'_>,
    ) -> Result<(), DeliveryError> {
        if let Some(owner) = owner
            && owner != mover.courier_id
            && !mover.overrides
        {
            return Err(DeliveryError::NotFound(format!("no delivery with id {id}")));
        }
        if current != self.from {
            return Err(DeliveryError::Conflict(format!(
                "the delivery is {}, not {}",
                <&str>::from(current),
                <&str>::from(self.from)
            )));
        }
        Ok(())
    }

    /// Claiming makes the mover the delivery's courier.
    pub fn claims(&self) -> bool {
        self.to == DeliveryStatus::Claimed
    }

    /// Picking up starts the clock on the promised arrival.
    pub fn starts_eta(&self, current: DeliveryStatus) -> bool {
        self.to == DeliveryStatus::PickedUp && current != DeliveryStatus::PickedUp
    }
}

/// A delivery as offered to every courier: the area to ride to, not the door.
pub fn on_offer(mut delivery: Delivery) -> Delivery {
    if let Some(address) = delivery.address.as_object_mut() {
        address.retain(|field, _| matches!(field.as_str(), "city" | "postal_code" | "country"));
    }
    delivery
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    const ANA: Mover = Mover {
        courier_id: "usr_ana",
        overrides: false,
    };

    #[test]
    fn the_steps_follow_the_course_in_order() {
        let course = [CLAIM, PICK_UP, PING, DELIVER];
        for pair in course.windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
        }
        assert_eq!(CLAIM.from, DeliveryStatus::AwaitingCourier);
        assert_eq!(DELIVER.to, DeliveryStatus::Delivered);
    }

    #[test]
    fn a_step_from_the_wrong_status_conflicts() {
        let err = DELIVER
            .allowed("dlv_1", DeliveryStatus::Claimed, Some("usr_ana"), ANA)
            .unwrap_err();
        assert_eq!(err.to_string(), "the delivery is claimed, not picked_up");
        assert!(
            PICK_UP
                .allowed("dlv_1", DeliveryStatus::Claimed, Some("usr_ana"), ANA)
                .is_ok()
        );
    }

    #[test]
    fn another_courier_s_delivery_is_as_if_absent_except_to_an_admin() {
        let err = PICK_UP
            .allowed("dlv_1", DeliveryStatus::Claimed, Some("usr_bo"), ANA)
            .unwrap_err();
        assert!(matches!(err, DeliveryError::NotFound(_)));
        let admin = Mover {
            courier_id: "usr_admin",
            overrides: true,
        };
        assert!(
            PICK_UP
                .allowed("dlv_1", DeliveryStatus::Claimed, Some("usr_bo"), admin)
                .is_ok()
        );
        assert!(
            CLAIM
                .allowed("dlv_1", DeliveryStatus::AwaitingCourier, None, ANA)
                .is_ok()
        );
    }

    #[test]
    fn only_claiming_assigns_and_only_picking_up_starts_the_eta() {
        assert!(CLAIM.claims());
        assert!(!PICK_UP.claims());
        assert!(PICK_UP.starts_eta(DeliveryStatus::Claimed));
        assert!(!PING.starts_eta(DeliveryStatus::PickedUp));
        assert!(!DELIVER.starts_eta(DeliveryStatus::PickedUp));
    }

    #[test]
    fn an_offer_shows_the_area_not_the_door() {
        let delivery = Delivery {
            venue_id: "ven_default".into(),
            id: "dlv_1".into(),
            order_id: "ord_1".into(),
            tracking_code: "abc".into(),
            status: DeliveryStatus::AwaitingCourier,
            courier_id: None,
            address: serde_json::json!({"line1": "12 Rue Oberkampf", "city": "Paris",
                "postal_code": "75011", "country": "FR"}),
            last_position: None,
            eta: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let offered = on_offer(delivery);
        assert_eq!(
            offered.address,
            serde_json::json!({"city": "Paris", "postal_code": "75011", "country": "FR"})
        );
    }
}
