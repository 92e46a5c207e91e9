use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum IdentityError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("an account with this email already exists")]
    EmailTaken,
    /// Deliberately the same for an unknown email and a wrong password.
    #[error("email or password is incorrect")]
    InvalidCredentials,
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("the token is invalid, expired or revoked")]
    InvalidToken,
    #[error("no user with id {0}")]
    UserNotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    /// Every password hasher is busy and stayed busy for the queueing time.
    #[error("too many sign-ins at once; try again in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the {module} module is unavailable; try again in {retry_after_secs} s")]
    Unavailable {
        module: String,
        retry_after_secs: u64,
    },
}

crate::internal_errors!(IdentityError);

impl DeclaresProblem for IdentityError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::EmailTaken => Declared::conflict().code("email_taken"),
            Self::InvalidCredentials => Declared::of("invalid-credentials"),
            Self::Throttled { retry_after_secs } => {
                Declared::of("too-many-requests").retry_after(*retry_after_secs)
            }
            Self::Busy { retry_after_secs } => {
                Declared::of("unavailable").retry_after(*retry_after_secs)
            }
            Self::InvalidToken => Declared::of("unauthorized"),
            Self::UserNotFound(_) | Self::NotFound(_) => Declared::not_found(),
            Self::Conflict(_) => Declared::conflict(),
            Self::Forbidden(_) => Declared::forbidden(),
            Self::Internal(_) => Declared::internal(),
            Self::Unavailable {
                retry_after_secs, ..
            } => Declared::unavailable(*retry_after_secs),
        }
    }
}
