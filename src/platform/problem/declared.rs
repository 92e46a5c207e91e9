//! How an error declares the problem it answers with, next to its own definition, so that one
//! conversion serves every module and no gateway file names a module's errors.
//!
//! A declaration names a problem type of the catalogue (which gives its status and title), a
//! machine code when a more precise one helps clients branch, and what a client needs to act:
//! the invalid fields, when to retry, where the resource is. It holds no HTTP type, so errors
//! that declare it stay wire-ready.

use std::fmt;

use actix_web::http::{StatusCode, header};

use super::{Problem, catalog};
use crate::platform::validation::FieldError;

/// The problem an error answers with; its `detail` is the error's own message.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    slug: &'static str,
    code: Option<String>,
    errors: Option<Vec<FieldError>>,
    retry_after_secs: Option<u64>,
    location: Option<String>,
    available_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Declared {
    /// A problem of the catalogue's type `slug`.
    pub fn of(slug: &'static str) -> Self {
        Self {
            slug,
            code: None,
            errors: None,
            retry_after_secs: None,
            location: None,
            available_at: None,
        }
    }

    pub fn validation(errors: &[FieldError]) -> Self {
        Self {
            errors: Some(errors.to_vec()),
            ..Self::of("validation")
        }
    }

    pub fn not_found() -> Self {
        Self::of("not-found")
    }

    pub fn conflict() -> Self {
        Self::of("conflict")
    }

    pub fn forbidden() -> Self {
        Self::of("forbidden")
    }

    /// A module hosted in another process cannot be reached: 503, `module_unavailable`.
    pub fn unavailable(retry_after_secs: u64) -> Self {
        Self::of("unavailable")
            .code("module_unavailable")
            .retry_after(retry_after_secs)
    }

    /// Ours, not the client's: the message is logged, never sent.
    pub fn internal() -> Self {
        Self::of("internal")
    }

    /// A machine code more precise than the type's (`card_declined`, `email_taken`).
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// What in the request a refusal is about, one row per field or line.
    pub fn errors(mut self, errors: &[FieldError]) -> Self {
        self.errors = Some(errors.to_vec());
        self
    }

    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// When what was refused would go through (a closed venue's next opening).
    pub fn available_at(mut self, at: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        self.available_at = at;
        self
    }

    /// Where the resource the problem is about can be read (a path of this API).
    pub fn location(mut self, path: impl Into<String>) -> Self {
        self.location = Some(path.into());
        self
    }
}

/// Implemented beside every module error: the one way an error becomes problem+json.
pub trait DeclaresProblem: fmt::Display {
    fn problem(&self) -> Declared;
}

impl<E: DeclaresProblem> From<E> for Problem {
    fn from(error: E) -> Self {
        let declared = error.problem();
        debug_assert!(
            catalog::find(declared.slug).is_some(),
            "problem type {:?} is not in platform::problem::catalog",
            declared.slug
        );
        let problem = match (declared.slug, catalog::find(declared.slug)) {
            ("internal", _) | (_, None) => return Problem::internal(&error),
            ("validation", _) => Problem::validation(declared.errors.clone().unwrap_or_default()),
            (slug, Some(t)) => Problem::new(
                StatusCode::from_u16(t.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                slug,
                t.title,
                error.to_string(),
            ),
        };
        let mut problem = match declared.code {
            Some(code) => problem.with_code(&code),
            None => problem,
        };
        if let Some(secs) = declared.retry_after_secs {
            problem = problem.with_header(header::RETRY_AFTER, &secs.to_string());
        }
        if let Some(at) = declared.available_at {
            problem = problem.with_available_at(at);
        }
        if declared.slug != "validation"
            && let Some(errors) = declared.errors
        {
            problem = problem.with_errors(errors);
        }
        if let Some(path) = declared.location {
            problem = problem.with_header(header::LOCATION, &path);
        }
        problem
    }
}

/// [`DeclaresProblem`] for an error enum of the common variants only — `Validation`,
/// `NotFound`, `Conflict`, `Forbidden` and `Internal` — declared the same way in every module.
#[macro_export]
macro_rules! common_problems {
    ($error:ident) => {
        impl $crate::platform::problem::DeclaresProblem for $error {
            fn problem(&self) -> $crate::platform::problem::Declared {
                use $crate::platform::problem::Declared;
                match self {
                    Self::Validation(errors) => Declared::validation(errors),
                    Self::NotFound(_) => Declared::not_found(),
                    Self::Conflict(_) => Declared::conflict(),
                    Self::Forbidden(_) => Declared::forbidden(),
                    Self::Internal(_) => Declared::internal(),
                    Self::Unavailable {
                        retry_after_secs, ..
                    } => Declared::unavailable(*retry_after_secs),
                }
            }
        }
    };
}

/// Declares a module error made of the common variants only — invalid input, not found,
/// conflict, forbidden, internal — with its problems and the conversions from storage errors.
/// A module with failures of its own writes its enum out instead.
#[macro_export]
macro_rules! common_error {
    ($(#[$meta:meta])* $error:ident) => {
        $(#[$meta])*
        ///
        /// On the wire (a remote caller's answer): `{"code": "<variant>", "detail": <its data>}`.
        #[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "code", content = "detail", rename_all = "snake_case")]
        pub enum $error {
            #[error("invalid input")]
            Validation(Vec<$crate::platform::validation::FieldError>),
            #[error("{0}")]
            NotFound(String),
            #[error("{0}")]
            Conflict(String),
            #[error("{0}")]
            Forbidden(String),
            #[error("internal error: {0}")]
            Internal(String),
            #[error("the {module} module is unavailable; try again in {retry_after_secs} s")]
            Unavailable { module: String, retry_after_secs: u64 },
        }

        $crate::internal_errors!($error);

        $crate::common_problems!($error);
    };
}
