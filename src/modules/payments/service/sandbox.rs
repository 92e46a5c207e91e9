//! The built-in sandbox card processor. Its documented magic tokens:
//! `tok_ok` → captured (visa ··4242), `tok_declined` → declined, `tok_insufficient_funds` →
//! declined for insufficient funds, `tok_slow` → captured after a round trip of
//! [`SLOW_ANSWER`] (as a processor across a network answers), `tok_timeout` → never answers.
//! Anything else is unknown.

use async_trait::async_trait;
use quick_cache::sync::Cache;

use crate::modules::payments::api::{CardProcessor, Charge, ChargeError};

/// References the sandbox remembers, as a real processor keeps idempotency keys for a while
/// (it used to keep every one, growing by each payment for the life of the process).
const REMEMBERED: usize = 10_000;

/// How long `tok_slow` takes, like a processor's round trip.
pub const SLOW_ANSWER: std::time::Duration = std::time::Duration::from_millis(100);

pub struct SandboxProcessor {
    /// Outcomes by reference, so a repeated charge never moves money twice.
    settled: Cache<String, Result<Charge, ChargeError>>,
}

impl Default for SandboxProcessor {
    fn default() -> Self {
        Self {
            settled: Cache::new(REMEMBERED),
        }
    }
}

#[async_trait]
impl CardProcessor for SandboxProcessor {
    async fn charge(
        &self,
        reference: &str,
        token: &str,
        amount: i64,
        currency: &str,
    ) -> Result<Charge, ChargeError> {
        if let Some(outcome) = self.decide_at_once(reference, token, amount, currency) {
            return outcome;
        }
        if token != "tok_slow" {
            // tok_timeout.
            return std::future::pending().await;
        }
        actix_web::rt::time::sleep(SLOW_ANSWER).await;
        let outcome = Ok(Charge {
            brand: "visa".into(),
            last4: "4242".into(),
        });
        self.settled.insert(reference.to_owned(), outcome.clone());
        outcome
    }

    /// Every test card but `tok_slow` and `tok_timeout` is decided at once.
    fn decide_at_once(
        &self,
        reference: &str,
        token: &str,
        _amount: i64,
        _currency: &str,
    ) -> Option<Result<Charge, ChargeError>> {
        if let Some(outcome) = self.settled.get(reference) {
            return Some(outcome);
        }
        let outcome = match token {
            "tok_ok" => Ok(Charge {
                brand: "visa".into(),
                last4: "4242".into(),
            }),
            "tok_declined" => Err(ChargeError::Declined("card_declined".into())),
            "tok_insufficient_funds" => Err(ChargeError::Declined("insufficient_funds".into())),
            "tok_slow" | "tok_timeout" => return None,
            _ => Err(ChargeError::InvalidToken),
        };
        self.settled.insert(reference.to_owned(), outcome.clone());
        Some(outcome)
    }
}
