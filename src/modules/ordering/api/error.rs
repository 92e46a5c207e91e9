use super::OrderStatus;
use crate::modules::venues::api::SlotReason;
use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum OrderingError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Also for another customer's order: its existence is not revealed.
    #[error("no order with id {0}")]
    NotFound(String),
    #[error("no venue with id {0}")]
    VenueNotFound(String),
    #[error("an order cannot go from `{from}` to `{to}`")]
    IllegalTransition { from: String, to: String },
    #[error("{0}")]
    Conflict(String),
    #[error("you may not {0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("venue {venue_id} is closed now{}", opens_at.map(|t| format!("; it opens at {}", t.to_rfc3339())).unwrap_or_default())]
    VenueClosed {
        venue_id: String,
        opens_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    #[error("venue {venue_id} has paused taking orders")]
    VenuePaused { venue_id: String },
    #[error("venue {venue_id} is too busy to take orders for as soon as possible")]
    VenueBusy { venue_id: String },
    #[error(
        "venue {venue_id} has as many orders for as soon as possible in progress as it takes ({in_progress}); order for a later slot"
    )]
    KitchenFull { venue_id: String, in_progress: u32 },
    /// Lines that cannot be had at the time the order is wanted (sold out, not served then,
    /// not enough left), each named; `code` is the first's.
    #[error("{message}")]
    LinesUnavailable {
        code: String,
        message: String,
        lines: Vec<FieldError>,
        available_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// The venue refused the slot asked for (`reason`); `next_available`: the first that can.
    #[error("{message}")]
    SlotUnavailable {
        reason: SlotReason,
        message: String,
        next_available: Option<chrono::DateTime<chrono::Utc>>,
    },
    #[error("the {module} module is unavailable; try again in {retry_after_secs} s")]
    Unavailable {
        module: String,
        retry_after_secs: u64,
    },
}

impl DeclaresProblem for OrderingError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::NotFound(_) | Self::VenueNotFound(_) => Declared::not_found(),
            Self::IllegalTransition { .. } => Declared::of("illegal-transition"),
            Self::Conflict(_) => Declared::conflict(),
            Self::Forbidden(_) => Declared::forbidden(),
            Self::VenueClosed { opens_at, .. } => Declared::conflict()
                .code("venue_closed")
                .available_at(*opens_at),
            Self::VenuePaused { .. } => Declared::conflict().code("venue_paused"),
            Self::LinesUnavailable {
                code,
                lines,
                available_at,
                ..
            } => Declared::conflict()
                .code(code.clone())
                .errors(lines)
                .available_at(*available_at),
            Self::VenueBusy { .. } | Self::KitchenFull { .. } => {
                Declared::conflict().code("venue_busy")
            }
            Self::SlotUnavailable {
                reason,
                next_available,
                ..
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

impl OrderingError {
    pub fn illegal(from: OrderStatus, to: OrderStatus) -> Self {
        OrderingError::IllegalTransition {
            from: <&str>::from(from).to_owned(),
            to: <&str>::from(to).to_owned(),
        }
    }
}

crate::internal_errors!(OrderingError);
