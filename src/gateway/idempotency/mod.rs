//! `Idempotency-Key` for every POST: the same principal, key and body get the stored response
//! again (`Idempotent-Replayed: true`, with the first answer's `Location`, `ETag` and
//! `Cache-Control`); the same key with another body is 422; while the first request runs,
//! 409 with `Retry-After`. A key over 255 characters is 400. Only successes are kept, for
//! `idempotency.retention_hours` (at least 24): a refusal depends on state that changes (an
//! unpaid-orders cap, a rate limit, an outage), so a retry runs again.
//!
//! A request in flight holds its key for `idempotency.in_flight_lease_secs`. If its process
//! dies, the next retry after the lease runs afresh; operations that must not run twice
//! (placing an order) also dedupe on the key themselves, so that retry finds the order the
//! dead request committed rather than placing a second one.
//!
//! A response marked [`ShownOnce`] (it carries a secret: a new API key, a webhook signing
//! secret) is never written down: its replay is 409 `secret_shown_once` pointing at the
//! created resource, whose secret can be rotated.
//!
//! Payments keep their own, stricter store (a timed-out charge is resumed, never repeated),
//! so their route is left to them.

mod store;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError, web};
use chrono::{TimeDelta, Utc};

use crate::platform::db::{Db, DbError, is_unique_violation};
use crate::platform::http::policy::PolicyTable;
use crate::platform::http::shown_once::ShownOnce;
use crate::platform::ids::token_digest;
use crate::platform::problem::Problem;
use store::{Claim, Record};

const MAX_KEY_LEN: usize = 255;

/// Headers of the first answer that its replays carry too (besides `Content-Type` and
/// `Location`, kept in columns of their own).
const REPLAYED_HEADERS: [header::HeaderName; 2] = [header::CACHE_CONTROL, header::ETAG];

/// How long stored responses answer repeats, and how long a running request holds its key.
#[derive(Clone, Copy)]
pub struct Retention {
    pub keep: TimeDelta,
    pub lease: TimeDelta,
}

/// Removes stored responses older than `keep` (a record past it answers nothing already).
pub fn sweep(db: Db, keep: TimeDelta) -> crate::platform::retention::Sweep {
    crate::platform::retention::Sweep::older_than("gateway_idempotency", db, keep, store::sweep)
}

fn refuse(req: ServiceRequest, problem: Problem) -> ServiceResponse<BoxBody> {
    req.into_response(problem.error_response())
}

fn in_flight(retry_after_secs: i64) -> Problem {
    Problem::conflict("a request with this Idempotency-Key is still being processed")
        .with_code("idempotency_key_in_flight")
        .with_header(header::RETRY_AFTER, &retry_after_secs.max(1).to_string())
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // The contract says which operations the edge makes idempotent (`x-idempotency`).
    let applies = req.method() == Method::POST
        && req.headers().contains_key("idempotency-key")
        && req
            .app_data::<web::Data<PolicyTable>>()
            .zip(crate::platform::http::route::pattern(req.request()))
            .is_some_and(|(policies, pattern)| policies.gateway_idempotent("POST", &pattern));
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
    let principal = crate::gateway::auth::principal(req.request());
    // Anonymous calls (sign-up, sign-in) have no principal to keep keys apart: not stored.
    let (Some(principal), Some(db), Some(retention)) = (
        principal,
        req.app_data::<web::Data<Db>>().cloned(),
        req.app_data::<web::Data<Retention>>().map(|r| *r.get_ref()),
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
        locked_until: Some(now + retention.lease),
        headers: None,
    };
    let claimed = claim.clone();
    let existing = db
        .write(move |c| {
            store::claim(c, &claimed, now - retention.keep, now).map_err(|e| {
                if is_unique_violation(&e) {
                    ClaimError::Racing
                } else {
                    ClaimError::Db(e.into())
                }
            })
        })
        .await;
    match existing {
        Ok(Claim::Fresh) => {}
        Ok(Claim::Taken(first)) => return Ok(answer_repeat(req, &claim, first)),
        Err(ClaimError::Racing) => {
            return Ok(refuse(req, in_flight(retention.lease.num_seconds())));
        }
        Err(ClaimError::Db(e)) => return Ok(refuse(req, Problem::internal(&e))),
    }

    let res = next.call(req).await?;
    let status = res.status();
    let shown_once = res.response().extensions().contains::<ShownOnce>();
    let (http_req, res) = res.into_parts();
    if !status.is_success() {
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
    let kept: serde_json::Map<String, serde_json::Value> = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| Some((name.as_str().to_owned(), header(name.clone())?.into())))
        .collect();
    let done = Record {
        status: Some(i32::from(status.as_u16())),
        content_type: header(header::CONTENT_TYPE),
        location: header(header::LOCATION),
        // A secret shown once is written nowhere, this table included.
        body: (!shown_once).then(|| String::from_utf8_lossy(&bytes).into_owned()),
        headers: Some(serde_json::Value::Object(kept).to_string()),
        locked_until: None,
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
    /// Another request claimed the key at the same moment.
    Racing,
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
        let left = first
            .locked_until
            .map_or(1, |until| (until - claim.created_at).num_seconds());
        return refuse(req, in_flight(left));
    };
    let Some(body) = first.body else {
        let mut problem = Problem::conflict(
            "the first request with this Idempotency-Key succeeded and showed its secret; \
             secrets are shown only once and never stored, so rotate it for a new one",
        )
        .with_code("secret_shown_once")
        .with_header(
            actix_web::http::header::HeaderName::from_static("idempotent-replayed"),
            "true",
        );
        if let Some(location) = &first.location {
            problem = problem.with_header(header::LOCATION, location);
        }
        return refuse(req, problem);
    };
    let mut res = HttpResponse::build(status);
    res.insert_header(("Idempotent-Replayed", "true"));
    if let Some(ct) = first.content_type {
        res.insert_header((header::CONTENT_TYPE, ct));
    }
    if let Some(location) = first.location {
        res.insert_header((header::LOCATION, location));
    }
    let kept: serde_json::Map<String, serde_json::Value> = first
        .headers
        .and_then(|h| serde_json::from_str(&h).ok())
        .unwrap_or_default();
    for (name, value) in kept {
        if let Some(value) = value.as_str() {
            res.insert_header((name, value));
        }
    }
    req.into_response(res.body(body))
}
