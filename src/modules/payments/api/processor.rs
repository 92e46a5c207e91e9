//! The card processor seam: a sandbox is built in; a real processor is another implementation
//! wired by the composition root.

use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    pub brand: String,
    pub last4: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChargeError {
    #[error("{0}")]
    Declined(String),
    #[error("unknown card token")]
    InvalidToken,
}

#[async_trait]
pub trait CardProcessor: Send + Sync {
    /// Charges `amount` once per `reference`: charging a reference again returns the first
    /// outcome and never moves money twice. May never return (callers time it out).
    async fn charge(
        &self,
        reference: &str,
        token: &str,
        amount: i64,
        currency: &str,
    ) -> Result<Charge, ChargeError>;

    /// The outcome of charging, when the processor knows it without waiting on anything (no
    /// network, no clock): the payment is then created and settled in one transaction. Same
    /// once-per-`reference` rule as [`CardProcessor::charge`]. `None` (the default, and what
    /// a processor across a network answers): call [`CardProcessor::charge`].
    fn decide_at_once(
        &self,
        _reference: &str,
        _token: &str,
        _amount: i64,
        _currency: &str,
    ) -> Option<Result<Charge, ChargeError>> {
        None
    }
}
