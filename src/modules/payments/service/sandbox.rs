//! The built-in sandbox card processor. Its documented magic tokens:
//! `tok_ok` → captured (visa ··4242), `tok_declined` → declined, `tok_insufficient_funds` →
//! declined for insufficient funds, `tok_timeout` → never answers. Anything else is unknown.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::modules::payments::api::{CardProcessor, Charge, ChargeError};

#[derive(Default)]
pub struct SandboxProcessor {
    /// Outcomes by reference, so a repeated charge never moves money twice.
    settled: Mutex<HashMap<String, Result<Charge, ChargeError>>>,
}

#[async_trait]
impl CardProcessor for SandboxProcessor {
    async fn charge(
        &self,
        reference: &str,
        token: &str,
        _amount: i64,
        _currency: &str,
    ) -> Result<Charge, ChargeError> {
        if let Some(outcome) = self
            .settled
            .lock()
            .ok()
            .and_then(|m| m.get(reference).cloned())
        {
            return outcome;
        }
        let outcome = match token {
            "tok_ok" => Ok(Charge {
                brand: "visa".into(),
                last4: "4242".into(),
            }),
            "tok_declined" => Err(ChargeError::Declined("card_declined".into())),
            "tok_insufficient_funds" => Err(ChargeError::Declined("insufficient_funds".into())),
            "tok_timeout" => std::future::pending().await,
            _ => Err(ChargeError::InvalidToken),
        };
        if let Ok(mut settled) = self.settled.lock() {
            settled.insert(reference.to_owned(), outcome.clone());
        }
        outcome
    }
}
