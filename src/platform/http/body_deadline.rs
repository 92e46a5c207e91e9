//! A request body must arrive whole within `server.client_body_timeout_ms` of its head, or
//! the request is answered 408 and the connection closed: actix times out only the head, and
//! a body that never finishes would hold its connection (and a worker's attention) forever.
//!
//! Bodies are read here, before any handler, at most `body_limit_bytes` of them (larger ones
//! get 413), and handed on whole.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::BytesMut;
use actix_web::{Error, HttpMessage, ResponseError, web};
use futures_util::StreamExt;

use crate::platform::problem::Problem;

pub struct BodyDeadline {
    pub timeout: Duration,
    pub limit: usize,
}

enum Refusal {
    Stalled,
    TooLarge,
    Broken(String),
}

fn declared_length(req: &ServiceRequest) -> Option<u64> {
    req.headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

fn has_body(req: &ServiceRequest) -> bool {
    declared_length(req).is_some_and(|n| n > 0)
        || req
            .headers()
            .contains_key(actix_web::http::header::TRANSFER_ENCODING)
}

async fn read_whole(payload: &mut Payload, limit: usize) -> Result<BytesMut, Refusal> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Refusal::Broken(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(Refusal::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(deadline) = req.app_data::<web::Data<BodyDeadline>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !has_body(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let too_large = declared_length(&req).is_some_and(|n| n > deadline.limit as u64);
    let mut payload = req.take_payload();
    let read = if too_large {
        Err(Refusal::TooLarge)
    } else {
        tokio::time::timeout(deadline.timeout, read_whole(&mut payload, deadline.limit))
            .await
            .unwrap_or(Err(Refusal::Stalled))
    };
    let problem = match read {
        Ok(body) => {
            req.set_payload(Payload::from(body.freeze()));
            return Ok(next.call(req).await?.map_into_boxed_body());
        }
        Err(Refusal::Stalled) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request-timeout",
            "Request timeout",
            format!(
                "the request body did not arrive within {} ms",
                deadline.timeout.as_millis()
            ),
        ),
        Err(Refusal::TooLarge) => Problem::payload_too_large(deadline.limit),
        Err(Refusal::Broken(why)) => {
            Problem::bad_request(format!("the body could not be read: {why}"))
        }
    };
    let mut res = problem.error_response();
    // The rest of the body may never come: do not wait for it on this connection.
    res.head_mut().set_connection_type(ConnectionType::Close);
    Ok(req.into_response(res))
}
