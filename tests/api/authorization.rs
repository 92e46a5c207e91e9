//! Every service decides who may act, not its handlers: each acting trait method, called
//! in-process as a remote caller would call it, refuses a principal without the right with the
//! module's own forbidden error — there is no handler to skip.

use brigade::modules::catalog::api::CatalogApi;
use brigade::modules::delivery::api::DeliveryApi;
use brigade::modules::kitchen::api::KitchenApi;
use brigade::modules::ordering::api::OrderingApi;
use brigade::modules::payments::api::PaymentsApi;
use brigade::modules::webhooks::api::WebhooksApi;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use brigade::modules::catalog::api::CatalogError;
use brigade::modules::delivery::api::DeliveryError;
use brigade::modules::governance::api::{GovernanceApi, GovernanceError};
use brigade::modules::identity::api::{Call, IdentityApi, IdentityError, Principal, Role};
use brigade::modules::kitchen::api::KitchenError;
use brigade::modules::ordering::api::OrderingError;
use brigade::modules::payments::api::PaymentsError;
use brigade::modules::webhooks::api::WebhooksError;

use crate::support::TestApp;

/// A customer's call, as a remote caller would make it: principal and request id.
fn customer() -> Call {
    let principal = Principal {
        user_id: "usr_nobody".into(),
        session_id: "ses_nobody".into(),
        roles: vec![Role::Customer],
        scopes: None,
        plan: None,
        venues: None,
    };
    Call::new(principal, "req_authorization_test")
}

fn from<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// Fails unless `result` is the forbidden error `is_forbidden` recognises.
fn refused<T, E: std::fmt::Debug>(what: &str, result: Result<T, E>, is_forbidden: fn(&E) -> bool) {
    match result {
        Err(e) if is_forbidden(&e) => {}
        Err(e) => panic!("{what}: expected forbidden, got {e:?}"),
        Ok(_) => panic!("{what}: a customer was let through"),
    }
}

#[actix_web::test]
async fn every_acting_method_refuses_a_principal_without_the_right() {
    every_method_refuses_without_the_right(TestApp::spawn().await).await;
}

/// The same calls, each to a module in a process of its own: the service there decides,
/// and its refusal comes back as the same error variant.
#[actix_web::test]
async fn every_acting_method_refuses_a_principal_without_the_right_over_http() {
    let keys = crate::support::Keys::new("k1");
    let (edge, hosts) = crate::support::split_everything(&keys, &[]).await;
    every_method_refuses_without_the_right(edge.with_companions(hosts)).await;
}

async fn every_method_refuses_without_the_right(app: TestApp) {
    let m = &app.app_modules;
    let who = customer();

    let catalog = |e: &CatalogError| matches!(e, CatalogError::Forbidden(_));
    let category = json!({"name": "Tea", "description": "", "position": 1});
    let item = json!({"category_id": "cat_x", "name": "Chai", "price": 300, "currency": "EUR", "station": "bar"});
    refused(
        "create_category",
        m.api::<dyn CatalogApi>()
            .create_category(&who, from(category))
            .await,
        catalog,
    );
    refused(
        "update_category",
        m.api::<dyn CatalogApi>()
            .update_category(&who, "cat_x", Default::default(), None)
            .await,
        catalog,
    );
    refused(
        "delete_category",
        m.api::<dyn CatalogApi>()
            .delete_category(&who, "cat_x")
            .await,
        catalog,
    );
    refused(
        "create_item",
        m.api::<dyn CatalogApi>()
            .create_item(&who, from(item))
            .await,
        catalog,
    );
    refused(
        "update_item",
        m.api::<dyn CatalogApi>()
            .update_item(&who, "itm_x", Default::default(), None)
            .await,
        catalog,
    );
    refused(
        "set_availability",
        m.api::<dyn CatalogApi>()
            .set_availability(&who, "itm_x", false)
            .await,
        catalog,
    );
    refused(
        "delete_item",
        m.api::<dyn CatalogApi>().delete_item(&who, "itm_x").await,
        catalog,
    );

    let ordering = |e: &OrderingError| matches!(e, OrderingError::Forbidden(_));
    refused(
        "hand_over",
        m.api::<dyn OrderingApi>().hand_over(&who, "ord_x").await,
        ordering,
    );

    let payments = |e: &PaymentsError| matches!(e, PaymentsError::Forbidden(_));
    refused(
        "refund",
        m.api::<dyn PaymentsApi>()
            .refund(&who, "pay_x", from(json!({"amount": 1})))
            .await,
        payments,
    );

    let kitchen = |e: &KitchenError| matches!(e, KitchenError::Forbidden(_));
    refused(
        "tickets",
        m.api::<dyn KitchenApi>()
            .tickets(&who, Default::default())
            .await,
        kitchen,
    );
    refused(
        "start_line",
        m.api::<dyn KitchenApi>()
            .start_line(&who, "tkt_x", "lin_x")
            .await,
        kitchen,
    );
    refused(
        "finish_line",
        m.api::<dyn KitchenApi>()
            .finish_line(&who, "tkt_x", "lin_x")
            .await,
        kitchen,
    );
    refused(
        "feed_head",
        m.api::<dyn KitchenApi>().feed_head(&who).await,
        kitchen,
    );
    refused(
        "feed",
        m.api::<dyn KitchenApi>().feed(&who, None, 0).await,
        kitchen,
    );

    let delivery = |e: &DeliveryError| matches!(e, DeliveryError::Forbidden(_));
    refused(
        "list",
        m.api::<dyn DeliveryApi>()
            .list(&who, Default::default())
            .await,
        delivery,
    );
    refused(
        "claim",
        m.api::<dyn DeliveryApi>().claim(&who, "dlv_x").await,
        delivery,
    );
    refused(
        "pick_up",
        m.api::<dyn DeliveryApi>().pick_up(&who, "dlv_x").await,
        delivery,
    );
    refused(
        "ping",
        m.api::<dyn DeliveryApi>()
            .ping(&who, "dlv_x", from(json!({"lat": 45.7, "lng": 4.8})))
            .await,
        delivery,
    );
    refused(
        "deliver",
        m.api::<dyn DeliveryApi>().deliver(&who, "dlv_x").await,
        delivery,
    );

    let webhooks = |e: &WebhooksError| matches!(e, WebhooksError::Forbidden(_));
    let endpoint = json!({"url": "https://pos.example.com/brigade", "event_types": ["order.paid"]});
    refused(
        "create",
        m.api::<dyn WebhooksApi>()
            .create(&who, from(endpoint))
            .await,
        webhooks,
    );
    refused(
        "list",
        m.api::<dyn WebhooksApi>().list(&who).await,
        webhooks,
    );
    refused(
        "delete",
        m.api::<dyn WebhooksApi>().delete(&who, "whe_x").await,
        webhooks,
    );
    refused(
        "rotate_secret",
        m.api::<dyn WebhooksApi>()
            .rotate_secret(&who, "whe_x")
            .await,
        webhooks,
    );
    refused(
        "deliveries",
        m.api::<dyn WebhooksApi>()
            .deliveries(&who, "whe_x", Default::default())
            .await,
        webhooks,
    );
    refused(
        "redeliver",
        m.api::<dyn WebhooksApi>().redeliver(&who, "whd_x").await,
        webhooks,
    );

    let governance = |e: &GovernanceError| matches!(e, GovernanceError::Forbidden(_));
    refused(
        "usage",
        m.api::<dyn GovernanceApi>()
            .usage(&who, Default::default())
            .await,
        governance,
    );
    refused(
        "inventory",
        m.api::<dyn GovernanceApi>().inventory(&who).await,
        governance,
    );
    refused(
        "audit",
        m.api::<dyn GovernanceApi>()
            .audit(&who, Default::default())
            .await,
        governance,
    );

    let identity = |e: &IdentityError| matches!(e, IdentityError::Forbidden(_));
    refused(
        "user",
        m.api::<dyn IdentityApi>().user(&who, "usr_x").await,
        identity,
    );
    refused(
        "set_plan",
        m.api::<dyn IdentityApi>()
            .set_plan(&who, "usr_x", None)
            .await,
        identity,
    );
    refused(
        "set_roles",
        m.api::<dyn IdentityApi>()
            .set_roles(&who, "usr_x", vec![Role::Admin])
            .await,
        identity,
    );
}

#[actix_web::test]
async fn usage_of_a_key_is_for_its_owner_and_admins_only() {
    let app = TestApp::spawn().await;
    let m = &app.app_modules;
    let token = app.customer_token("owner@example.com").await;
    let key = app
        .post(
            "/v1/api-keys",
            Some(&token),
            json!({"name": "till", "scopes": ["orders:read"]}),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.body);
    let secret = key.body["secret"].as_str().unwrap();
    for _ in 0..3 {
        let listed = app
            .send("GET", "/v1/orders", None, &[("X-API-Key", secret)], None)
            .await;
        assert_eq!(listed.status, 200, "{}", listed.body);
    }
    let of_key: fn(&Value) -> brigade::modules::governance::api::UsageQuery =
        |id| from(json!({"key": id}));
    let owner = Call::new(
        m.api::<dyn IdentityApi>()
            .authenticate(&token)
            .await
            .unwrap(),
        "req_owner",
    );
    let seen = m
        .api::<dyn GovernanceApi>()
        .usage(&owner, of_key(&key.body["id"]))
        .await
        .unwrap();
    assert_eq!(seen.total, 3);
    // Someone else naming the key sees none of its calls; without a key, nothing at all.
    let other = m
        .api::<dyn GovernanceApi>()
        .usage(&customer(), of_key(&key.body["id"]))
        .await
        .unwrap();
    assert_eq!(other.total, 0);
    let admin = Call::system("test");
    assert_eq!(
        m.api::<dyn GovernanceApi>()
            .usage(&admin, of_key(&key.body["id"]))
            .await
            .unwrap()
            .total,
        3
    );
}
