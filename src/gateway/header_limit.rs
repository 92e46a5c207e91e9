//! Refuses requests whose headers are larger than configured (431), before any
//! authentication or handler work is spent on them.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

use crate::platform::problem::Problem;

/// `server.max_header_bytes`.
#[derive(Debug, Clone, Copy)]
pub struct HeaderLimit(pub usize);

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limit = req.app_data::<web::Data<HeaderLimit>>().map(|l| l.0);
    let size: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if let Some(limit) = limit.filter(|l| size > *l) {
        let problem = Problem::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            "Request headers too large",
            format!("the request's headers take {size} bytes; at most {limit} are accepted"),
        );
        return Ok(req.into_response(problem.error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
