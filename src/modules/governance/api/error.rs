//! How the module's calls fail.

use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum GovernanceError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
    #[error("the {module} module is unavailable; try again in {retry_after_secs} s")]
    Unavailable {
        module: String,
        retry_after_secs: u64,
    },
}

crate::internal_errors!(GovernanceError);

impl DeclaresProblem for GovernanceError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::NotFound(_) => Declared::not_found(),
            Self::Forbidden(_) => Declared::forbidden(),
            Self::Internal(_) => Declared::internal(),
            Self::Unavailable {
                retry_after_secs, ..
            } => Declared::unavailable(*retry_after_secs),
        }
    }
}
