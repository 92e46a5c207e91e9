//! Every module error becomes problem+json here, and only here.

use crate::modules::catalog::api::CatalogError;
use crate::modules::delivery::api::DeliveryError;
use crate::modules::identity::api::IdentityError;
use crate::modules::kitchen::api::KitchenError;
use crate::modules::ordering::api::OrderingError;
use crate::modules::payments::api::PaymentsError;
use crate::platform::problem::Problem;
use actix_web::http::header;

impl From<IdentityError> for Problem {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::Validation(errors) => Problem::validation(errors),
            IdentityError::EmailTaken => Problem::conflict(e.to_string()).with_code("email_taken"),
            IdentityError::InvalidCredentials => Problem::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                "invalid-credentials",
                "Invalid credentials",
                e.to_string(),
            ),
            IdentityError::Throttled { retry_after_secs } => {
                Problem::too_many_requests(retry_after_secs)
            }
            IdentityError::Busy { retry_after_secs } => Problem::service_unavailable(e.to_string())
                .with_header(header::RETRY_AFTER, &retry_after_secs.to_string()),
            IdentityError::InvalidToken => Problem::unauthorized(e.to_string()),
            IdentityError::UserNotFound(_) => Problem::not_found(e.to_string()),
            IdentityError::Conflict(detail) => Problem::conflict(detail),
            IdentityError::NotFound(detail) => Problem::not_found(detail),
            IdentityError::Forbidden(detail) => Problem::forbidden(detail),
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

impl From<OrderingError> for Problem {
    fn from(e: OrderingError) -> Self {
        match e {
            OrderingError::Validation(errors) => Problem::validation(errors),
            OrderingError::NotFound(_) => Problem::not_found(e.to_string()),
            OrderingError::IllegalTransition { .. } => Problem::new(
                actix_web::http::StatusCode::CONFLICT,
                "illegal-transition",
                "Illegal order transition",
                e.to_string(),
            ),
            OrderingError::Conflict(detail) => Problem::conflict(detail),
            OrderingError::Forbidden(_) => Problem::forbidden(e.to_string()),
            OrderingError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl From<PaymentsError> for Problem {
    fn from(e: PaymentsError) -> Self {
        use actix_web::http::StatusCode;
        match e {
            PaymentsError::Validation(errors) => Problem::validation(errors),
            PaymentsError::BadRequest(detail) => Problem::bad_request(detail),
            PaymentsError::NotFound(detail) => Problem::not_found(detail),
            PaymentsError::Declined { ref reason, .. } => {
                // The processor's reason (`card_declined`, `insufficient_funds`) is the code.
                let code = reason.clone();
                Problem::new(
                    StatusCode::PAYMENT_REQUIRED,
                    "payment-declined",
                    "Payment declined",
                    e.to_string(),
                )
                .with_code(&code)
            }
            PaymentsError::IdempotencyMismatch => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency key reused",
                e.to_string(),
            ),
            PaymentsError::InFlight => {
                Problem::conflict(e.to_string()).with_code("idempotency_key_in_flight")
            }
            PaymentsError::Conflict(detail) => Problem::conflict(detail),
            PaymentsError::ProcessorTimeout { ref payment_id } => {
                let location = format!("/v1/payments/{payment_id}");
                Problem::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    "processor-timeout",
                    "Card processor timeout",
                    e.to_string(),
                )
                .with_header(header::LOCATION, &location)
            }
            PaymentsError::Forbidden(_) => Problem::forbidden(e.to_string()),
            PaymentsError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl From<KitchenError> for Problem {
    fn from(e: KitchenError) -> Self {
        match e {
            KitchenError::Validation(errors) => Problem::validation(errors),
            KitchenError::NotFound(detail) => Problem::not_found(detail),
            KitchenError::Conflict(detail) => Problem::conflict(detail),
            KitchenError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl From<DeliveryError> for Problem {
    fn from(e: DeliveryError) -> Self {
        match e {
            DeliveryError::Validation(errors) => Problem::validation(errors),
            DeliveryError::NotFound(detail) => Problem::not_found(detail),
            DeliveryError::Conflict(detail) => Problem::conflict(detail),
            DeliveryError::Forbidden(detail) => Problem::forbidden(detail),
            DeliveryError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl From<crate::modules::governance::api::GovernanceError> for Problem {
    fn from(e: crate::modules::governance::api::GovernanceError) -> Self {
        use crate::modules::governance::api::GovernanceError;
        match e {
            GovernanceError::Validation(errors) => Problem::validation(errors),
            GovernanceError::NotFound(detail) => Problem::not_found(detail),
            GovernanceError::Internal(cause) => Problem::internal(&cause),
        }
    }
}

impl From<crate::modules::webhooks::api::WebhooksError> for Problem {
    fn from(e: crate::modules::webhooks::api::WebhooksError) -> Self {
        use crate::modules::webhooks::api::WebhooksError;
        match e {
            WebhooksError::Validation(errors) => Problem::validation(errors),
            WebhooksError::NotFound(detail) => Problem::not_found(detail),
            WebhooksError::Conflict(detail) => Problem::conflict(detail),
            WebhooksError::Forbidden(detail) => Problem::forbidden(detail),
            WebhooksError::Internal(cause) => Problem::internal(&cause),
        }
    }
}
