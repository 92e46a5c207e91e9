//! What answers when no route matched: 405 with `Allow` when the path exists under another
//! method, 404 otherwise. The methods a path takes come from the contract (see
//! [`ContractPaths`]), so they cannot drift from the routes.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::contract_paths::{ContractPaths, routed_path};
use crate::platform::problem::Problem;

pub async fn handler(req: HttpRequest, paths: web::Data<ContractPaths>) -> HttpResponse {
    let problem = match paths.allowed(&routed_path(req.uri())) {
        Some(methods) => Problem::method_not_allowed(&methods.join(", ")),
        None => Problem::not_found(format!("no resource at {}", req.path())),
    };
    problem.error_response()
}
