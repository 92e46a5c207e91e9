//! Payments' HTTP operations: thin handlers over [`PaymentsApi`].

use actix_web::{HttpRequest, HttpResponse, post, web};

use super::api::{Payment, PaymentRequest, PaymentsApi, Refund, RefundRequest};
use crate::gateway::auth::Caller;
use crate::platform::http::cache::{PERSONAL, with_policy};
use crate::platform::http::extract::ValidJson;
use crate::platform::problem::Problem;

type Payments = web::Data<dyn PaymentsApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(pay_order).service(refund_payment);
}

/// Pay for an order
///
/// Charges the order's total (never an amount sent by the client). `Idempotency-Key` is
/// required: repeating a request with the same key and body answers like the first time
/// without charging again; the same key with another body is 422, and while the first
/// request is still running, 409. A processor timeout answers 504 and leaves the payment
/// pending: retry with the same key.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = []), ("api_key" = ["orders:write"])),
    params(
        ("id" = String, Path, description = "Order id"),
        ("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, unique per payment attempt",
            min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$"),
    ),
    request_body = PaymentRequest,
    responses(
        (status = 201, description = "Payment captured", body = Payment),
        (status = 402, description = "The card was declined", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Order not payable, same key in flight, or too many declines", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "The card processor did not answer; the payment is pending", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orders/{id}/payments")]
async fn pay_order(
    req: HttpRequest,
    payments: Payments,
    caller: Caller,
    id: web::Path<String>,
    body: ValidJson<PaymentRequest>,
) -> Result<HttpResponse, Problem> {
    let key = match req.headers().get("idempotency-key") {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| Problem::bad_request("`Idempotency-Key` must be visible ASCII"))?,
        ),
        None => None,
    };
    let payment = payments.pay(&caller.0, &id, key, body.0).await?;
    Ok(with_policy(
        HttpResponse::Created().json(&payment),
        PERSONAL,
    ))
}

/// Refund a payment (staff)
///
/// Full or partial; the total refunded never exceeds what was captured.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = []), ("api_key" = ["orders:write"])),
    params(("id" = String, Path, description = "Payment id")),
    request_body = RefundRequest,
    responses(
        (status = 201, description = "Refund made", body = Refund),
        (status = 409, description = "The payment was not captured", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/payments/{id}/refunds")]
async fn refund_payment(
    payments: Payments,
    caller: Caller,
    id: web::Path<String>,
    body: ValidJson<RefundRequest>,
) -> Result<HttpResponse, Problem> {
    let refund = payments.refund(&caller.0, &id, body.0).await?;
    Ok(with_policy(HttpResponse::Created().json(&refund), PERSONAL))
}
