//! Extractor configuration: every body, query or path that cannot be read becomes a clear
//! problem (400, 413, 415 or 422) instead of actix's plain-text default.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::platform::problem::Problem;
use crate::platform::validation::{FieldError, from_validator};

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .content_type(|mime| {
            mime.subtype() == actix_web::mime::JSON || mime.suffix() == Some(actix_web::mime::JSON)
        })
        .error_handler(move |err, _req| json_problem(err, limit).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| query_problem(err).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| path_problem(err).into())
}

fn json_problem(err: JsonPayloadError, limit: usize) -> Problem {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            Problem::payload_too_large(limit)
        }
        JsonPayloadError::ContentType => {
            Problem::unsupported_media_type("send the body as application/json")
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            Problem::validation(vec![serde_field_error(&e.to_string())])
        }
        JsonPayloadError::Deserialize(e) => Problem::malformed_json(format!(
            "the body is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )),
        other => Problem::bad_request(format!("the body could not be read: {other}")),
    }
}

/// Turns serde's messages ("unknown field `x`, expected ...", "missing field `x`") into a
/// field error naming the field, so clients can point at it.
fn serde_field_error(message: &str) -> FieldError {
    let message = message.split(" at line ").next().unwrap_or(message);
    let quoted = || message.split('`').nth(1).unwrap_or("body").to_owned();
    if message.starts_with("unknown field") {
        FieldError::new(quoted(), "unknown_field", "is not a known field")
    } else if message.starts_with("missing field") {
        FieldError::new(quoted(), "required", "is required")
    } else if message.starts_with("unknown variant") {
        FieldError::new("body", "invalid_value", message)
    } else {
        FieldError::new("body", "invalid", message)
    }
}

/// A query value of the wrong kind (`limit=-1`, `status=bogus`) is an invalid field, like
/// `limit=0`: 422, naming the parameter when it can be told.
fn query_problem(err: QueryPayloadError) -> Problem {
    query_field_problem(err, "query".into())
}

fn query_field_problem(err: QueryPayloadError, field: String) -> Problem {
    let detail = match &err {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    Problem::validation(vec![FieldError::new(field, "invalid", detail)])
}

/// The parameter whose removal lets `query` parse as `T`: the one that is wrong.
fn culprit<T: DeserializeOwned>(query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    (0..pairs.len()).find_map(|skip| {
        let rest = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                pairs
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, pair)| pair),
            )
            .finish();
        web::Query::<T>::from_query(&rest)
            .is_ok()
            .then(|| pairs[skip].0.clone())
    })
}

fn path_problem(err: PathError) -> Problem {
    let PathError::Deserialize(e) = err else {
        return Problem::bad_request("invalid path");
    };
    Problem::bad_request(format!("invalid path parameter: {e}"))
}

/// A JSON body that parsed and passed its `validator` rules; otherwise a 4xx problem.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> FromRequest for ValidJson<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Through `Value` first: serde would otherwise accept a JSON array for a struct.
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                return Err(Problem::validation(vec![FieldError::new(
                    "body",
                    "invalid_type",
                    "must be a JSON object",
                )])
                .into());
            }
            let value: T = serde_json::from_value(value)
                .map_err(|e| Problem::validation(vec![serde_field_error(&e.to_string())]))?;
            value
                .validate()
                .map_err(|e| Problem::validation(from_validator(&e)))?;
            Ok(ValidJson(value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_the_field() {
        let e = serde_field_error("unknown field `role`, expected `email` at line 1 column 7");
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("role", "unknown_field")
        );
        let e = serde_field_error("missing field `email` at line 1 column 2");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("email", "required"));
        let e = serde_field_error("invalid type: integer `1`, expected a string");
        assert_eq!(e.field, "body");
    }
}

/// A query string that parsed and passed its `validator` rules; otherwise a 4xx problem.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

impl<T> FromRequest for ValidQuery<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        let result = web::Query::<T>::from_query(query)
            .map_err(|e| {
                let field = culprit::<T>(query).unwrap_or_else(|| "query".into());
                actix_web::Error::from(query_field_problem(e, field))
            })
            .and_then(|q| {
                let value = q.into_inner();
                value
                    .validate()
                    .map_err(|e| Problem::validation(from_validator(&e)).into())
                    .map(|()| ValidQuery(value))
            });
        std::future::ready(result)
    }
}
