//! How the module's calls fail.

use crate::platform::validation::FieldError;

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum KitchenError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
}

crate::internal_errors!(KitchenError);

crate::common_problems!(KitchenError);
