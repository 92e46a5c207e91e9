use crate::platform::problem::{Declared, DeclaresProblem};
use crate::platform::validation::FieldError;

/// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum CatalogError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("no menu item with id {0}")]
    ItemNotFound(String),
    #[error("no category with id {0}")]
    CategoryNotFound(String),
    #[error("no menu option with id {0}")]
    OptionNotFound(String),
    #[error("no venue with id {0}")]
    VenueNotFound(String),
    #[error("the resource has changed; its current ETag is {current_etag}")]
    VersionMismatch { current_etag: String },
    #[error("{0}")]
    Conflict(String),
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

crate::internal_errors!(CatalogError);

impl DeclaresProblem for CatalogError {
    fn problem(&self) -> Declared {
        match self {
            Self::Validation(errors) => Declared::validation(errors),
            Self::ItemNotFound(_)
            | Self::CategoryNotFound(_)
            | Self::OptionNotFound(_)
            | Self::VenueNotFound(_) => Declared::not_found(),
            Self::VersionMismatch { .. } => Declared::of("precondition-failed"),
            Self::Conflict(_) => Declared::conflict(),
            Self::Forbidden(_) => Declared::forbidden(),
            Self::Internal(_) => Declared::internal(),
            Self::Unavailable {
                retry_after_secs, ..
            } => Declared::unavailable(*retry_after_secs),
        }
    }
}
