//! What crosses a module's trait travels as JSON when the module runs elsewhere: every error
//! and the principal survive the trip unchanged, and each error names its variant as `code`.

use std::fmt::Display;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

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
        venues: Some(vec!["ven_default".into()]),
    };
    let wire: Value = serde_json::to_value(&principal).unwrap();
    assert_eq!(wire["roles"], serde_json::json!(["customer", "staff"]));
    let back: Principal = serde_json::from_value(wire).unwrap();
    assert_eq!(back, principal);
}

/// Reads a type's example from the published document and writes it back: every field the
/// example sets must come back the same (defaults may fill fields it leaves out).
fn example_survives<T: ToSchema + Serialize + DeserializeOwned>() {
    static DOCUMENT: std::sync::LazyLock<Value> =
        std::sync::LazyLock::new(|| serde_json::to_value(brigade::app::openapi()).unwrap());
    let name = T::name();
    let schema = &DOCUMENT["components"]["schemas"][name.as_ref()];
    let example = schema
        .get("example")
        .or_else(|| schema.get("examples").and_then(|e| e.get(0)))
        .unwrap_or_else(|| panic!("{name} documents no example"));
    let value: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{name} cannot read its own example: {e}"));
    let back = serde_json::to_value(&value).unwrap();
    assert_keeps(&back, example, &name);
}

/// `sent` holds everything `example` says; a `null` may come back absent.
fn assert_keeps(sent: &Value, example: &Value, at: &str) {
    match (sent, example) {
        (_, Value::Null) => {}
        (Value::Object(sent), Value::Object(example)) => {
            for (field, value) in example {
                let path = format!("{at}.{field}");
                assert_keeps(sent.get(field).unwrap_or(&Value::Null), value, &path);
            }
        }
        (Value::Array(sent), Value::Array(example)) => {
            assert_eq!(sent.len(), example.len(), "{at}");
            for (i, (s, e)) in sent.iter().zip(example).enumerate() {
                assert_keeps(s, e, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(sent, example, "{at}"),
    }
}

#[test]
fn identity_dtos_survive_the_wire() {
    use brigade::modules::identity::api::*;
    example_survives::<RegisterRequest>();
    example_survives::<LoginRequest>();
    example_survives::<RefreshRequest>();
    example_survives::<TokenResponse>();
    example_survives::<UserView>();
    example_survives::<UpdateMeRequest>();
    example_survives::<SetRolesRequest>();
    example_survives::<SetPlanRequest>();
    example_survives::<NewApiKey>();
    example_survives::<ApiKey>();
    example_survives::<ApiKeyList>();
    example_survives::<CreatedApiKey>();
}

#[test]
fn catalog_dtos_survive_the_wire() {
    use brigade::modules::catalog::api::*;
    example_survives::<Menu>();
    example_survives::<MenuItem>();
    example_survives::<ItemPage>();
    example_survives::<Category>();
    example_survives::<CategoryPage>();
    example_survives::<NewCategory>();
    example_survives::<CategoryPatch>();
    example_survives::<NewItem>();
    example_survives::<ItemPatch>();
    example_survives::<NewOptionGroup>();
    example_survives::<NewOption>();
    example_survives::<AvailabilityRequest>();
}

#[test]
fn ordering_dtos_survive_the_wire() {
    use brigade::modules::ordering::api::*;
    example_survives::<NewOrder>();
    example_survives::<Order>();
    example_survives::<OrderPage>();
    example_survives::<Address>();
}

#[test]
fn payments_dtos_survive_the_wire() {
    use brigade::modules::payments::api::*;
    example_survives::<PaymentRequest>();
    example_survives::<Payment>();
    example_survives::<PaymentList>();
    example_survives::<RefundRequest>();
    example_survives::<Refund>();
}

#[test]
fn kitchen_dtos_survive_the_wire() {
    use brigade::modules::kitchen::api::*;
    example_survives::<Ticket>();
    example_survives::<TicketPage>();
}

#[test]
fn delivery_dtos_survive_the_wire() {
    use brigade::modules::delivery::api::*;
    example_survives::<Delivery>();
    example_survives::<DeliveryPage>();
    example_survives::<Tracking>();
    example_survives::<Location>();
}

#[test]
fn webhooks_dtos_survive_the_wire() {
    use brigade::modules::webhooks::api::*;
    example_survives::<EventType>();
    example_survives::<EventTypeList>();
    example_survives::<NewWebhookEndpoint>();
    example_survives::<WebhookEndpoint>();
    example_survives::<WebhookEndpointList>();
    example_survives::<WebhookEndpointWithSecret>();
    example_survives::<WebhookDelivery>();
    example_survives::<WebhookDeliveryPage>();
}

#[test]
fn governance_dtos_survive_the_wire() {
    use brigade::modules::governance::api::*;
    example_survives::<Inventory>();
    example_survives::<ModuleEntry>();
    example_survives::<OperationEntry>();
    example_survives::<EventEntry>();
    example_survives::<PlanEntry>();
    example_survives::<PlansByCaller>();
    example_survives::<UsageReport>();
    example_survives::<AuditEntry>();
    example_survives::<AuditPage>();
}
