//! `Idempotency-Key` for every POST: the same principal, key and body get the stored response
//! again (`Idempotent-Replayed: true`); the same key with another body is 422; while the
//! first request runs, 409; a key over 255 characters is 400. Responses are kept for
//! `idempotency.retention_hours` (at least 24). Failures that a retry could fix (validation,
//! 5xx, rate limits) are not stored. Payments keep their own, stricter store (a timed-out
//! charge is resumed, never repeated), so their route is left to them.

mod store;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use chrono::{TimeDelta, Utc};

use crate::gateway::auth::{Authenticated, authenticate};
use crate::modules::identity::api::IdentityApi;
use crate::platform::db::{Db, DbError, is_unique_violation};
use crate::platform::ids::token_digest;
use crate::platform::problem::Problem;
use store::Record;

const MAX_KEY_LEN: usize = 255;

/// How long stored responses answer repeats.
#[derive(Clone, Copy)]
pub struct Retention(pub TimeDelta);

fn refuse(req: ServiceRequest, problem: Problem) -> ServiceResponse<BoxBody> {
    req.into_response(problem.error_response())
}

/// Worth replaying: success and outcomes that would repeat anyway.
fn storable(status: StatusCode) -> bool {
    status.is_success() || matches!(status.as_u16(), 402 | 404 | 409)
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let applies = req.method() == Method::POST
        && req.path().starts_with("/v1/")
        && !req.path().ends_with("/payments")
        && req.headers().contains_key("idempotency-key");
    if !applies {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(refuse(
            req,
            Problem::bad_request("`Idempotency-Key` must be 1 to 255 visible ASCII characters"),
        ));
    }
    let known = req.extensions().get::<Authenticated>().cloned();
    let principal = match known {
        Some(Authenticated(p)) => p,
        None => {
            let identity = req.app_data::<web::Data<dyn IdentityApi>>().cloned();
            authenticate(req.request(), identity)
                .await
                .and_then(Result::ok)
        }
    };
    // Anonymous calls (sign-up, sign-in) have no principal to keep keys apart: not stored.
    let (Some(principal), Some(db), Some(retention)) = (
        principal,
        req.app_data::<web::Data<Db>>().cloned(),
        req.app_data::<web::Data<Retention>>().map(|r| r.0),
    ) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let body = match req.extract::<web::Bytes>().await {
        Ok(body) => body,
        Err(e) => return Ok(req.into_response(e.error_response())),
    };
    req.set_payload(Payload::from(body.clone()));
    let hash = token_digest(&format!(
        "{} {}\n{}",
        req.method(),
        req.path(),
        String::from_utf8_lossy(&body)
    ));
    let now = Utc::now().naive_utc();
    let claim = Record {
        principal: principal.user_id.clone(),
        key: key.clone(),
        request_hash: hash,
        status: None,
        content_type: None,
        location: None,
        body: None,
        created_at: now,
    };
    let claimed = claim.clone();
    let existing = db
        .write(move |c| {
            store::claim(c, &claimed, now - retention).map_err(|e| {
                if is_unique_violation(&e) {
                    ClaimError::Taken
                } else {
                    ClaimError::Db(e.into())
                }
            })
        })
        .await;
    match existing {
        Ok(None) => {}
        Ok(Some(first)) => return Ok(answer_repeat(req, &claim, first)),
        Err(ClaimError::Taken) => {
            return Ok(refuse(
                req,
                Problem::conflict("a request with this Idempotency-Key is still being processed"),
            ));
        }
        Err(ClaimError::Db(e)) => return Ok(refuse(req, Problem::internal(&e))),
    }

    let res = next.call(req).await?;
    let status = res.status();
    let (http_req, res) = res.into_parts();
    if !storable(status) {
        let (p, k) = (claim.principal.clone(), claim.key.clone());
        let _ = db
            .write(move |c| store::release(c, &p, &k).map_err(DbError::from))
            .await;
        return Ok(ServiceResponse::new(http_req, res.map_into_boxed_body()));
    }
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let header = |name: header::HeaderName| {
        head.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let done = Record {
        status: Some(i32::from(status.as_u16())),
        content_type: header(header::CONTENT_TYPE),
        location: header(header::LOCATION),
        body: Some(String::from_utf8_lossy(&bytes).into_owned()),
        ..claim
    };
    if let Err(e) = db
        .write(move |c| store::complete(c, &done).map_err(DbError::from))
        .await
    {
        tracing::warn!(error = %e, "could not store an idempotent response");
    }
    Ok(ServiceResponse::new(
        http_req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

enum ClaimError {
    Taken,
    Db(DbError),
}

impl From<DbError> for ClaimError {
    fn from(e: DbError) -> Self {
        ClaimError::Db(e)
    }
}

impl From<diesel::result::Error> for ClaimError {
    fn from(e: diesel::result::Error) -> Self {
        ClaimError::Db(e.into())
    }
}

fn answer_repeat(req: ServiceRequest, claim: &Record, first: Record) -> ServiceResponse<BoxBody> {
    if first.request_hash != claim.request_hash {
        return refuse(
            req,
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency key reused",
                "this Idempotency-Key was used with a different request",
            ),
        );
    }
    let Some(status) = first
        .status
        .and_then(|s| StatusCode::from_u16(s as u16).ok())
    else {
        return refuse(
            req,
            Problem::conflict("a request with this Idempotency-Key is still being processed"),
        );
    };
    let mut res = HttpResponse::build(status);
    res.insert_header(("Idempotent-Replayed", "true"));
    if let Some(ct) = first.content_type {
        res.insert_header((header::CONTENT_TYPE, ct));
    }
    if let Some(location) = first.location {
        res.insert_header((header::LOCATION, location));
    }
    req.into_response(res.body(first.body.unwrap_or_default()))
}
