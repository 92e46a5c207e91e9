use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum PaymentsError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the card was declined: {reason}")]
    Declined { payment_id: String, reason: String },
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyMismatch,
    #[error("a request with this Idempotency-Key is still being processed")]
    InFlight,
    #[error("{0}")]
    Conflict(String),
    #[error(
        "the card processor did not answer in time; the payment is pending — retry with the same Idempotency-Key"
    )]
    ProcessorTimeout { payment_id: String },
    #[error("you may not {0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the {module} module is unavailable; try again in {retry_after_secs} s")]
    Unavailable {
        module: String,
        retry_after_secs: u64,
    },
}

crate::internal_errors!(PaymentsError);

impl DeclaresProblem for PaymentsError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::BadRequest(_) => Declared::of("bad-request"),
            Self::NotFound(_) => Declared::not_found(),
            // The processor's reason (`card_declined`, `insufficient_funds`) is the code.
            Self::Declined { reason, .. } => Declared::of("payment-declined").code(reason),
            Self::IdempotencyMismatch => Declared::of("idempotency-key-reused"),
            Self::InFlight => Declared::conflict().code("idempotency_key_in_flight"),
            Self::Conflict(_) => Declared::conflict(),
            Self::ProcessorTimeout { payment_id } => {
                Declared::of("processor-timeout").location(format!("/v1/payments/{payment_id}"))
            }
            Self::Forbidden(_) => Declared::forbidden(),
            Self::Internal(_) => Declared::internal(),
            Self::Unavailable {
                retry_after_secs, ..
            } => Declared::unavailable(*retry_after_secs),
        }
    }
}
