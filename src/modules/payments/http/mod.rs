//! Payments' HTTP operations: thin handlers over [`PaymentsApi`].

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::api::{Payment, PaymentList, PaymentRequest, PaymentsApi, Refund, RefundRequest};
use crate::modules::identity::api::Call;
use crate::platform::http::cache::{PERSONAL, with_policy};
use crate::platform::http::extract::ValidJson;
use crate::platform::problem::Problem;

type Payments = web::Data<dyn PaymentsApi>;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(pay_order)
        .service(list_order_payments)
        .service(get_payment)
        .service(refund_payment);
}

/// Pay for an order
///
/// Charges the order's total (never an amount sent by the client). `Idempotency-Key` is
/// required: repeating a request with the same key and body answers like the first time
/// without charging again, for a week (`payments.key_retention_hours`; after that a retry is
/// a new attempt, which a paid order refuses); the same key with another body is 422, and
/// while the first request is still running, 409. A processor timeout answers 504 and leaves
/// the payment pending: retry with the same key, or read it back with `GET /v1/payments/{id}`
/// (the 504's `Location`).
#[utoipa::path(
    tag = "payments",
    extensions(("x-idempotency" = json!("own"))),
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
    caller: Call,
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
    let outcome = payments.pay(&caller, &id, key, body.0).await?;
    let mut res = HttpResponse::Created();
    res.insert_header((
        header::LOCATION,
        format!("/v1/payments/{}", outcome.payment.id),
    ));
    if outcome.replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(with_policy(res.json(&outcome.payment), PERSONAL))
}

/// List an order's payments
///
/// Every attempt to pay the order, oldest first: captured, declined, failed or still pending.
/// The order's customer and staff may read them.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = []), ("api_key" = ["orders:read"])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, description = "The order's payments", body = PaymentList))
)]
#[get("/v1/orders/{id}/payments")]
async fn list_order_payments(
    payments: Payments,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let list = payments.order_payments(&caller, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(&list), PERSONAL))
}

/// Get a payment
///
/// Its status, amount and what was refunded: how to learn the outcome of a charge whose
/// answer was lost (a 504, a dropped connection) without paying again.
#[utoipa::path(
    tag = "payments",
    security(("bearer" = []), ("api_key" = ["orders:read"])),
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200, description = "The payment", body = Payment))
)]
#[get("/v1/payments/{id}")]
async fn get_payment(
    payments: Payments,
    caller: Call,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let payment = payments.payment(&caller, &id).await?;
    Ok(with_policy(HttpResponse::Ok().json(&payment), PERSONAL))
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
    caller: Call,
    id: web::Path<String>,
    body: ValidJson<RefundRequest>,
) -> Result<HttpResponse, Problem> {
    let refund = payments.refund(&caller, &id, body.0).await?;
    Ok(with_policy(HttpResponse::Created().json(&refund), PERSONAL))
}
