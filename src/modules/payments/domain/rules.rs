//! Payments' rules: what a settled payment means to the payer, and which idempotency keys
//! a payment accepts.

use crate::modules::payments::api::{Payment, PaymentStatus, PaymentsError};
use crate::platform::validation::FieldError;

const MAX_KEY_LEN: usize = 255;

/// The HTTP-independent outcome of a settled payment: the payment, or why it failed.
pub fn answer(payment: Payment) -> Result<Payment, PaymentsError> {
    match payment.status {
        PaymentStatus::Captured => Ok(payment),
        PaymentStatus::Pending => Err(PaymentsError::ProcessorTimeout {
            payment_id: payment.id,
        }),
        PaymentStatus::Failed if payment.failure_reason.as_deref() == Some("invalid_token") => {
            Err(PaymentsError::Validation(vec![FieldError::new(
                "card_token",
                "invalid",
                "is not a token the card processor knows",
            )]))
        }
        PaymentStatus::Declined | PaymentStatus::Failed => Err(PaymentsError::Declined {
            reason: payment.failure_reason.clone().unwrap_or_default(),
            payment_id: payment.id,
        }),
    }
}

pub fn check_key(key: Option<&str>) -> Result<&str, PaymentsError> {
    let key = key.ok_or_else(|| {
        PaymentsError::BadRequest(
            "payments need an `Idempotency-Key` header (1 to 255 visible characters)".into(),
        )
    })?;
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(PaymentsError::BadRequest(
            "`Idempotency-Key` must be 1 to 255 visible ASCII characters".into(),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn settled(status: PaymentStatus, reason: Option<&str>) -> Payment {
        Payment {
            id: "pay_1".into(),
            order_id: "ord_1".into(),
            status,
            amount: 760,
            currency: "EUR".into(),
            refunded_amount: 0,
            failure_reason: reason.map(str::to_owned),
            card: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_capture_is_the_answer_and_anything_else_says_why_not() {
        assert!(answer(settled(PaymentStatus::Captured, None)).is_ok());
        assert!(matches!(
            answer(settled(PaymentStatus::Pending, None)),
            Err(PaymentsError::ProcessorTimeout { .. })
        ));
        assert!(matches!(
            answer(settled(PaymentStatus::Declined, Some("insufficient_funds"))),
            Err(PaymentsError::Declined { reason, .. }) if reason == "insufficient_funds"
        ));
        assert!(matches!(
            answer(settled(PaymentStatus::Failed, Some("invalid_token"))),
            Err(PaymentsError::Validation(errors)) if errors[0].field == "card_token"
        ));
    }

    #[test]
    fn keys_are_one_to_255_visible_ascii_characters() {
        assert_eq!(
            check_key(Some("order-1/attempt-1")).unwrap(),
            "order-1/attempt-1"
        );
        assert!(check_key(Some(&"k".repeat(255))).is_ok());
        for bad in [
            None,
            Some(""),
            Some("has space"),
            Some("é"),
            Some(&*"k".repeat(256)),
        ] {
            assert!(
                matches!(check_key(bad), Err(PaymentsError::BadRequest(_))),
                "{bad:?}"
            );
        }
    }
}
