//! What crosses a module's trait travels as JSON when the module runs elsewhere: every error
//! and the principal survive the trip unchanged, and each error names its variant as `code`.

use std::fmt::Display;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use brigade::modules::catalog::api::CatalogError;
use brigade::modules::delivery::api::DeliveryError;
use brigade::modules::governance::api::GovernanceError;
use brigade::modules::identity::api::{IdentityError, Principal, Role};
use brigade::modules::kitchen::api::KitchenError;
use brigade::modules::ordering::api::OrderingError;
use brigade::modules::payments::api::PaymentsError;
use brigade::modules::webhooks::api::WebhooksError;
use brigade::platform::validation::FieldError;

/// Sends `value` through JSON and back; the copy must serialise and read the same.
fn round_trip<T: Serialize + DeserializeOwned + Display>(value: T, code: &str) {
    let wire = serde_json::to_value(&value).unwrap();
    assert_eq!(wire["code"], code, "{wire}");
    let back: T = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), wire);
    assert_eq!(back.to_string(), value.to_string());
}

fn invalid() -> Vec<FieldError> {
    vec![FieldError::new(
        "email",
        "invalid",
        "is not an email address",
    )]
}

#[test]
fn every_module_error_survives_the_wire() {
    round_trip(IdentityError::Validation(invalid()), "validation");
    round_trip(IdentityError::EmailTaken, "email_taken");
    round_trip(
        IdentityError::Throttled {
            retry_after_secs: 30,
        },
        "throttled",
    );
    round_trip(CatalogError::ItemNotFound("itm_1".into()), "item_not_found");
    round_trip(
        CatalogError::VersionMismatch {
            current_etag: "\"3\"".into(),
        },
        "version_mismatch",
    );
    round_trip(
        OrderingError::IllegalTransition {
            from: "ready".into(),
            to: "paid".into(),
        },
        "illegal_transition",
    );
    round_trip(
        PaymentsError::Declined {
            payment_id: "pay_1".into(),
            reason: "card_declined".into(),
        },
        "declined",
    );
    round_trip(
        PaymentsError::ProcessorTimeout {
            payment_id: "pay_1".into(),
        },
        "processor_timeout",
    );
    round_trip(
        KitchenError::Conflict("line already done".into()),
        "conflict",
    );
    round_trip(DeliveryError::Forbidden("claim it".into()), "forbidden");
    round_trip(WebhooksError::NotFound("whe_1".into()), "not_found");
    round_trip(GovernanceError::Internal("disk full".into()), "internal");
}

#[test]
fn the_principal_survives_the_wire() {
    let principal = Principal {
        user_id: "usr_1".into(),
        session_id: "key_1".into(),
        roles: vec![Role::Customer, Role::Staff],
        scopes: Some(vec!["orders:read".into()]),
        plan: Some("partner".into()),
    };
    let wire: Value = serde_json::to_value(&principal).unwrap();
    assert_eq!(wire["roles"], serde_json::json!(["customer", "staff"]));
    let back: Principal = serde_json::from_value(wire).unwrap();
    assert_eq!(back, principal);
}
