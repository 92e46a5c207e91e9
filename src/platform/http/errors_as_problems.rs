//! Every error, everywhere, is problem+json: answers that some other part produced in its own
//! way (a static file's bare 404, the CORS layer's refused preflight, an extractor's default)
//! are rewritten here as problems with the same status and a stable code.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};

use crate::platform::problem::{self, Problem};

/// Headers of the original answer a problem keeps (what a client needs to react).
const KEPT: [header::HeaderName; 4] = [
    header::ALLOW,
    header::RETRY_AFTER,
    header::WWW_AUTHENTICATE,
    header::VARY,
];

fn is_problem(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with(problem::CONTENT_TYPE))
}

/// A problem standing for a bare error answer; `said` is what the answer's text said.
fn as_problem(status: StatusCode, said: Option<String>, headers: &HeaderMap) -> Problem {
    let kind = problem::catalog::for_status(status.as_u16());
    let reason = status.canonical_reason().unwrap_or(kind.title);
    let detail = said
        .filter(|s| !s.trim().is_empty() && s.len() <= 300)
        .unwrap_or_else(|| reason.to_owned());
    let mut problem = Problem::new(status, kind.slug, kind.title, detail);
    for name in KEPT {
        if let Some(value) = headers.get(&name).and_then(|v| v.to_str().ok()) {
            problem = problem.with_header(name, value);
        }
    }
    problem
}

/// An error answer that is not a problem yet.
fn needs_rewrite(res: &HttpResponse) -> bool {
    res.status().as_u16() >= 400 && !is_problem(res.headers())
}

/// The problem standing for `res`, keeping what its text said.
async fn rewritten(res: HttpResponse) -> Problem {
    let status = res.status();
    let headers = res.headers().clone();
    let text = actix_web::body::to_bytes_limited(res.into_body(), 4096)
        .await
        .ok()
        .and_then(Result::ok)
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    as_problem(status, text, &headers)
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        // An error the layers below returned instead of answering (e.g. actix-cors).
        Err(e) => {
            let answer = e.error_response();
            return if needs_rewrite(&answer) {
                Err(rewritten(answer).await.into())
            } else {
                Err(e)
            };
        }
    };
    if !needs_rewrite(res.response()) {
        return Ok(res);
    }
    let (http_req, res) = res.into_parts();
    Ok(ServiceResponse::new(
        http_req,
        rewritten(res).await.error_response(),
    ))
}
