//! The venues module's api across a process boundary (see `platform::remote`).

use chrono::{DateTime, Utc};

use super::{
    MODULE, NewVenue, Opening, Reservation, Slot, SlotList, SlotQuery, SlotRequest, Venue,
    VenueFilter, VenuePage, VenuePatch, VenueState, VenuesApi, VenuesError,
};
use crate::modules::identity::api::Call;

crate::remote_api! {
    module MODULE, api VenuesApi, error VenuesError, caller Call;
    read list(; filter: VenueFilter => VenueFilter) -> VenuePage;
    read get(; id: &str => String) -> Venue;
    write create(manager; input: NewVenue => NewVenue) -> Venue;
    write update(manager; id: &str => String, patch: VenuePatch => VenuePatch) -> Venue;
    write set_state(manager; id: &str => String, state: VenueState => VenueState) -> Venue;
    read opening(; id: &str => String, at: Option<DateTime<Utc>> => Option<DateTime<Utc>>) -> Opening;
    read next_day(; id: &str => String, at: Option<DateTime<Utc>> => Option<DateTime<Utc>>) -> DateTime<Utc>;
    read slots(; id: &str => String, query: SlotQuery => SlotQuery) -> SlotList;
    read slot(; request: SlotRequest => SlotRequest) -> Slot;
    write reserve(customer; order_id: &str => String, request: SlotRequest => SlotRequest) -> Reservation;
    write release(caller; order_id: &str => String) -> ();
}
