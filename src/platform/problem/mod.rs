//! RFC 9457 problem details: the one error shape every response uses.

pub mod catalog;
mod declared;

pub use declared::{Declared, DeclaresProblem};

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::platform::http::request_id;
use crate::platform::validation::FieldError;

pub const CONTENT_TYPE: &str = "application/problem+json";
const TYPE_BASE: &str = "https://brigade.dev/problems/";

/// An RFC 9457 problem. `instance` is the request id, so a report can be matched to the logs.
///
/// Boxed, so `Result<T, Problem>` stays one pointer wide on the happy path.
#[derive(Debug, Clone)]
pub struct Problem(Box<ProblemBody>);

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemBody {
    /// A page describing the problem (`https://brigade.dev/problems/<slug>`, also served
    /// by Brigade at `/problems/<slug>`).
    #[serde(rename = "type")]
    #[schema(max_length = 200)]
    pub type_uri: String,
    /// A stable machine code (`snake_case`): what clients branch on. Several codes may share
    /// one `type` (e.g. `card_declined` and `insufficient_funds` are both payment declines).
    pub code: String,
    pub title: String,
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Present on validation problems (422), one row per invalid field, and on refusals that
    /// name what in the request was refused (409: the order's sold-out lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// When what was refused would go through: a closed venue's next opening, say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Internal calls only: the module's error itself, for the calling process to rebuild.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub error: Option<serde_json::Value>,
    #[serde(skip)]
    #[schema(ignore)]
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        debug_assert!(
            catalog::find(slug).is_some(),
            "problem type {slug:?} is not in platform::problem::catalog"
        );
        let problem = Self(Box::new(ProblemBody {
            type_uri: format!("{TYPE_BASE}{slug}"),
            code: slug.replace('-', "_"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            instance: request_id::current().map(|id| format!("urn:request:{id}")),
            errors: None,
            available_at: None,
            error: None,
            headers: Vec::new(),
        }));
        // RFC 9110: every 401 says how to authenticate.
        if status == StatusCode::UNAUTHORIZED {
            problem.with_header(header::WWW_AUTHENTICATE, "Bearer")
        } else {
            problem
        }
    }

    /// The same problem with a more precise machine code than its type's.
    pub fn with_code(mut self, code: &str) -> Self {
        self.0.code = code.to_owned();
        self
    }

    /// The same problem, with when what it refused would go through.
    pub fn with_available_at(mut self, at: chrono::DateTime<chrono::Utc>) -> Self {
        self.0.available_at = Some(at);
        self
    }

    /// The same problem, naming the fields (or lines) it is about.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = Some(errors);
        self
    }

    /// The same problem, explained differently.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = detail.into();
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "Malformed JSON",
            detail,
        )
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn method_not_allowed(allow: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            format!("this resource supports {allow}"),
        )
        .with_header(header::ALLOW, allow)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            detail,
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            format!("request bodies are limited to {limit} bytes"),
        )
    }

    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail,
        )
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.len() {
            1 => format!("`{}` {}", errors[0].field, errors[0].message),
            n => format!("{n} fields are invalid"),
        };
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Invalid request",
            detail,
        );
        p.0.errors = Some(errors);
        p
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "Too many requests",
            format!("try again in {retry_after_secs} seconds"),
        )
        .with_header(header::RETRY_AFTER, &retry_after_secs.to_string())
    }

    pub fn service_unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            detail,
        )
    }

    /// A failure that is ours, not the client's. The cause is logged, never sent.
    pub fn internal(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal server error",
            "something went wrong on our side; quote the instance when reporting it",
        )
    }

    /// The module error this problem reports, for an internal caller (never at the edge).
    pub fn with_error(mut self, error: serde_json::Value) -> Self {
        self.0.error = Some(error);
        self
    }

    pub fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.0.headers.push((name, v));
        }
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.0.status, self.0.title, self.0.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, CONTENT_TYPE));
        res.insert_header((
            header::CACHE_CONTROL,
            crate::platform::http::cache::UNCACHEABLE,
        ));
        for (name, value) in &self.0.headers {
            res.insert_header((name.clone(), value.clone()));
        }
        res.body(serde_json::to_vec(&*self.0).unwrap_or_default())
    }
}

impl From<crate::platform::db::DbError> for Problem {
    fn from(e: crate::platform::db::DbError) -> Self {
        Problem::internal(&e)
    }
}

impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ProblemBody::schema()
    }
}

impl ToSchema for Problem {
    fn name() -> std::borrow::Cow<'static, str> {
        ProblemBody::name()
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        ProblemBody::schemas(schemas)
    }
}
