//! The delivery module's api across a process boundary (see `platform::remote`).

use super::{
    Delivery, DeliveryApi, DeliveryError, DeliveryFilter, DeliveryPage, Location, MODULE, Tracking,
};
use crate::modules::identity::api::Call;

crate::remote_api! {
    module MODULE, api DeliveryApi, error DeliveryError, caller Call;
    read list(viewer; filter: DeliveryFilter => DeliveryFilter) -> DeliveryPage;
    write claim(courier; id: &str => String) -> Delivery;
    write pick_up(courier; id: &str => String) -> Delivery;
    write ping(courier; id: &str => String, at: Location => Location) -> Delivery;
    write deliver(courier; id: &str => String) -> Delivery;
    read track(; code: &str => String) -> Tracking;
}
