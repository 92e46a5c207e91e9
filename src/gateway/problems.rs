//! Every module error becomes problem+json here, and only here.

use crate::modules::catalog::api::CatalogError;
use crate::modules::identity::api::IdentityError;
use crate::platform::problem::Problem;

impl From<IdentityError> for Problem {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::Validation(errors) => Problem::validation(errors),
            IdentityError::EmailTaken => Problem::conflict(e.to_string()),
            IdentityError::InvalidCredentials => Problem::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                "invalid-credentials",
                "Invalid credentials",
                e.to_string(),
            ),
            IdentityError::Throttled { retry_after_secs } => {
                Problem::too_many_requests(retry_after_secs)
            }
            IdentityError::InvalidToken => Problem::unauthorized(e.to_string()),
            IdentityError::UserNotFound(_) => Problem::not_found(e.to_string()),
            IdentityError::Conflict(detail) => Problem::conflict(detail),
            IdentityError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl From<CatalogError> for Problem {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Validation(errors) => Problem::validation(errors),
            CatalogError::ItemNotFound(_) | CatalogError::CategoryNotFound(_) => {
                Problem::not_found(e.to_string())
            }
            CatalogError::VersionMismatch { current_etag } => Problem::precondition_failed(
                format!("the resource has changed; its current ETag is {current_etag}"),
            ),
            CatalogError::Conflict(detail) => Problem::conflict(detail),
            CatalogError::Internal(cause) => Problem::internal(&cause),
        }
    }
}
