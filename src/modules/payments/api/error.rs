use crate::platform::validation::FieldError;

#[derive(Debug, thiserror::Error)]
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
}

crate::internal_errors!(PaymentsError);
