//! The payments module's contract.

mod dto;
mod error;
pub mod events;
mod processor;
pub mod remote;
mod settings;

use async_trait::async_trait;

pub use dto::{
    Card, PayOutcome, Payment, PaymentList, PaymentRequest, PaymentStatus, Refund, RefundRequest,
};
pub use error::PaymentsError;
pub use processor::{CardProcessor, Charge, ChargeError};
pub use settings::PaymentSettings;

use crate::modules::identity::api::Call;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "payments",
        version: "1.0.0",
        owner: "finance",
        purpose: "Card payments and refunds through a processor, idempotently.",
        uses: &["identity", "ordering"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

/// Also consumes `order.cancelled` to refund paid orders.
#[async_trait]
pub trait PaymentsApi: Send + Sync {
    /// Charges the order's total once per `(caller, idempotency_key)`: a repeat with the same
    /// body gets the first outcome, with another body `IdempotencyMismatch`.
    async fn pay(
        &self,
        caller: &Call,
        order_id: &str,
        idempotency_key: Option<&str>,
        request: PaymentRequest,
    ) -> Result<PayOutcome, PaymentsError>;
    /// A payment its order's customer or staff may read (others: `NotFound`): how to learn
    /// the outcome of a charge whose answer was lost, without paying again.
    async fn payment(&self, caller: &Call, id: &str) -> Result<Payment, PaymentsError>;
    /// Every attempt to pay an order the caller may see, oldest first.
    async fn order_payments(
        &self,
        caller: &Call,
        order_id: &str,
    ) -> Result<PaymentList, PaymentsError>;
    /// Staff: refunds part or all of what is left of a captured payment.
    async fn refund(
        &self,
        caller: &Call,
        payment_id: &str,
        request: RefundRequest,
    ) -> Result<Refund, PaymentsError>;
}
