//! The kitchen's api across a process boundary (see `platform::remote`).

use super::{KitchenApi, KitchenError, MODULE, Ticket, TicketFilter, TicketPage};
use crate::modules::identity::api::Call;
use crate::platform::events::StoredEvent;

crate::remote_api! {
    module MODULE, api KitchenApi, error KitchenError, caller Call;
    read tickets(cook; filter: TicketFilter => TicketFilter) -> TicketPage;
    write start_line(cook; ticket_id: &str => String, line_id: &str => String) -> Ticket;
    write finish_line(cook; ticket_id: &str => String, line_id: &str => String) -> Ticket;
    read feed_head(cook;) -> i64;
    read feed(cook; station: Option<String> => Option<String>, after: i64 => i64) -> (Vec<StoredEvent>, i64);
}
