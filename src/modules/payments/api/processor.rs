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
}
