//! The ordering module's api across a process boundary (see `platform::remote`).

use super::{
    MODULE, NewOrder, Order, OrderFilter, OrderPage, OrderingApi, OrderingError, PayableOrder,
    Quote, QuoteRequest,
};
use crate::modules::identity::api::Call;
use crate::platform::events::StoredEvent;

crate::remote_api! {
    module MODULE, api OrderingApi, error OrderingError, caller Call;
    write place(
        customer;
        order: NewOrder => NewOrder,
        request_key: Option<String> => Option<String>,
    ) -> Order;
    read list(caller; filter: OrderFilter => OrderFilter) -> OrderPage;
    read get(caller; id: &str => String) -> Order;
    write cancel(caller; id: &str => String) -> Order;
    write hand_over(caller; id: &str => String) -> Order;
    read payable(caller; id: &str => String) -> PayableOrder;
    read feed_head(;) -> i64;
    read quote(customer; venue_id: &str => String, basket: QuoteRequest => QuoteRequest) -> Quote;
    read status_feed(; id: &str => String, after: i64 => i64) -> (Vec<StoredEvent>, i64);
}
