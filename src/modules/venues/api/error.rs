//! How the module's calls fail.

use chrono::{DateTime, Utc};

use super::SlotReason;
use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// How venues' calls fail.
///
/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum VenuesError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    /// The slot asked for cannot take the order; `next_available`: the first that can.
    #[error("{}{}", slot_refusal(*reason), next_available.map(|t| format!("; the next slot that can starts at {}", t.to_rfc3339())).unwrap_or_default())]
    SlotUnavailable {
        reason: SlotReason,
        next_available: Option<DateTime<Utc>>,
    },
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the {module} module is unavailable; try again in {retry_after_secs} s")]
    Unavailable {
        module: String,
        retry_after_secs: u64,
    },
}

fn slot_refusal(reason: SlotReason) -> &'static str {
    match reason {
        SlotReason::Closed => "the venue is closed at that time",
        SlotReason::Full => "that slot is full",
        SlotReason::TooSoon => "that slot starts too soon to prepare the order",
        SlotReason::PastCutoff => "orders are not taken that far ahead",
    }
}

impl DeclaresProblem for VenuesError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::NotFound(_) => Declared::not_found(),
            Self::Conflict(_) => Declared::conflict(),
            Self::Forbidden(_) => Declared::forbidden(),
            Self::SlotUnavailable {
                reason,
                next_available,
            } => Declared::conflict()
                .code(reason.code())
                .available_at(*next_available),
            Self::Internal(_) => Declared::internal(),
            Self::Unavailable {
                retry_after_secs, ..
            } => Declared::unavailable(*retry_after_secs),
        }
    }
}

crate::internal_errors!(VenuesError);
