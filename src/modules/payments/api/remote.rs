//! The payments module's api across a process boundary (see `platform::remote`).

use super::{
    MODULE, PayOutcome, Payment, PaymentList, PaymentRequest, PaymentsApi, PaymentsError, Refund,
    RefundRequest,
};
use crate::modules::identity::api::Call;

crate::remote_api! {
    module MODULE, api PaymentsApi, error PaymentsError, caller Call;
    // The payment's own idempotency key makes a repeated charge safe; the call is still
    // never retried by the transport.
    write pay(
        caller;
        order_id: &str => String,
        idempotency_key: Option<&str> => Option<String>,
        request: PaymentRequest => PaymentRequest,
    ) -> PayOutcome;
    read payment(caller; id: &str => String) -> Payment;
    read order_payments(caller; order_id: &str => String) -> PaymentList;
    write refund(caller; payment_id: &str => String, request: RefundRequest => RefundRequest) -> Refund;
}
