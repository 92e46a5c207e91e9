use crate::platform::validation::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("no menu item with id {0}")]
    ItemNotFound(String),
    #[error("no category with id {0}")]
    CategoryNotFound(String),
    #[error("the resource has changed since it was read")]
    VersionMismatch { current_etag: String },
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

crate::internal_errors!(CatalogError);
