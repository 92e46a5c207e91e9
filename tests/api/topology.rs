//! Modules as services: the kitchen in a process of its own, called by the edge over HTTP
//! with signed internal tokens, behaves as the kitchen in the monolith does.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use brigade::modules::catalog::api::{
    CatalogApi, CatalogError, CategoryPatch, NewCategory, NewItem,
};
use brigade::modules::identity::api::{Call, Principal, Role};
use brigade::modules::kitchen::api::{KitchenApi, KitchenError, TicketFilter};
use brigade::modules::ordering::api::{NewOrder, OrderingApi, OrderingError};
use brigade::modules::payments::api::{PaymentRequest, PaymentsApi, PaymentsError};
use brigade::platform::internal_token::{Signer, Subject};
use brigade::platform::remote::RemoteModule;
use serde_json::{Value, json};

use crate::support::{Cafe, Database, Host, Keys, spawn_edge, vacant_port};

/// The edge and a kitchen process on one database (events cross through its tables).
async fn split_kitchen(keys: &Keys, extra: &[(&str, &str)]) -> (Cafe, Host) {
    let database = Database::fresh();
    let kitchen = Host::start(&database.url, &["kitchen"], keys, 0).await;
    let edge = spawn_edge(
        &[("kitchen".to_owned(), kitchen.internal.clone())],
        keys,
        extra,
        database,
    )
    .await;
    (Cafe::open_in(edge).await, kitchen)
}

async fn paid_order(cafe: &Cafe, key: &str) -> String {
    let order = cafe.order(&cafe.customer, json!({"type": "pickup"})).await;
    let id = order["id"].as_str().unwrap().to_owned();
    let paid = cafe.pay(&cafe.customer, &id, key, "tok_ok").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    id
}

#[actix_web::test]
async fn a_kitchen_in_its_own_process_cooks_what_the_edge_sells() {
    let keys = Keys::new("k1");
    let (cafe, _kitchen) = split_kitchen(&keys, &[]).await;
    let order_id = paid_order(&cafe, "pay-1").await;

    cafe.cook_everything(&order_id).await;
    cafe.wait_for_status(&order_id, "ready").await;

    // The kitchen's errors come back as the same problems, decided in its own process.
    let app = &cafe.app;
    let refused = app.get("/v1/kitchen/tickets", Some(&cafe.customer)).await;
    assert_eq!(refused.problem(403)["code"], "forbidden");
    let invalid = app
        .get("/v1/kitchen/tickets?limit=0", Some(&cafe.cook))
        .await;
    let invalid = invalid.problem(422);
    assert_eq!(invalid["errors"][0]["field"], "limit", "{invalid}");
    let page = app
        .get(
            &format!("/v1/kitchen/tickets?order_id={order_id}"),
            Some(&cafe.cook),
        )
        .await;
    let ticket = &page.body["data"][0];
    let line = ticket["lines"][0]["id"].as_str().unwrap();
    let again = app
        .post(
            &format!(
                "/v1/kitchen/tickets/{}/lines/{line}/start",
                ticket["id"].as_str().unwrap()
            ),
            Some(&cafe.cook),
            json!({}),
        )
        .await;
    assert_eq!(again.problem(409)["code"], "conflict");
    let unknown = app
        .post(
            "/v1/kitchen/tickets/tkt_nope/lines/x/start",
            Some(&cafe.cook),
            json!({}),
        )
        .await;
    assert_eq!(unknown.problem(404)["code"], "not_found");

    // The live feed, resumed from the start, reads the kitchen's events across the boundary.
    let events = app
        .sse("/v1/kitchen/stream", &cafe.cook, Some("0"), 2)
        .await;
    assert_eq!(events[0].1, "ticket.created", "{events:?}");
}

/// What every implementation of the kitchen's api does, in-process or over HTTP.
async fn kitchen_contract(kitchen: Arc<dyn KitchenApi>, cafe: &Cafe) {
    let order_id = paid_order(cafe, "pay-contract").await;
    let cook = Call::new(
        Principal {
            user_id: "usr_cook".into(),
            session_id: "ses_cook".into(),
            roles: vec![Role::Kitchen],
            scopes: None,
            plan: None,
            venues: None,
        },
        "req-contract",
    );
    let customer = Call::new(
        Principal {
            roles: vec![Role::Customer],
            ..cook.principal.clone()
        },
        "req-contract",
    );
    let of_order = TicketFilter {
        order_id: Some(order_id.clone()),
        ..TicketFilter::default()
    };
    let mut page = None;
    for _ in 0..500 {
        let found = kitchen.tickets(&cook, of_order.clone()).await.unwrap();
        if !found.data.is_empty() {
            page = Some(found);
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let page = page.expect("the paid order's ticket appears");
    assert_eq!(page.data.len(), 1);
    let ticket = &page.data[0];
    assert_eq!(ticket.order_id, order_id);

    assert!(matches!(
        kitchen.tickets(&customer, TicketFilter::default()).await,
        Err(KitchenError::Forbidden(_))
    ));
    let too_many = TicketFilter {
        limit: Some(0),
        ..TicketFilter::default()
    };
    match kitchen.tickets(&cook, too_many).await {
        Err(KitchenError::Validation(errors)) => assert_eq!(errors[0].field, "limit"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(matches!(
        kitchen.start_line(&cook, "tkt_nope", "line").await,
        Err(KitchenError::NotFound(_))
    ));
    let line = &ticket.lines[0].id;
    let started = kitchen.start_line(&cook, &ticket.id, line).await.unwrap();
    assert_eq!(started.id, ticket.id);
    assert!(matches!(
        kitchen.start_line(&cook, &ticket.id, line).await,
        Err(KitchenError::Conflict(_))
    ));
    // The feed holds back events while an older transaction anywhere on the server is still
    // open (another test's, on a shared PostgreSQL), so the ticket's event may come a moment
    // after the ticket.
    let mut events = Vec::new();
    for _ in 0..500 {
        (events, _) = kitchen.feed(&cook, None, 0).await.unwrap();
        if events
            .iter()
            .any(|e| e.event.event_type == "ticket.created")
        {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        events
            .iter()
            .any(|e| e.event.event_type == "ticket.created"),
        "{events:?}"
    );
    let head = kitchen.feed_head(&cook).await.unwrap();
    assert!(events.last().is_some_and(|e| e.seq <= head));
    let (bar_only, _) = kitchen.feed(&cook, Some("bar".into()), 0).await.unwrap();
    assert!(bar_only.len() <= events.len());
}

#[actix_web::test]
async fn the_kitchen_contract_holds_in_process() {
    let cafe = Cafe::open().await;
    let kitchen = cafe.app.app_modules.api::<dyn KitchenApi>();
    kitchen_contract(kitchen, &cafe).await;
}

#[actix_web::test]
async fn the_kitchen_contract_holds_over_http() {
    let keys = Keys::new("k1");
    let (cafe, kitchen) = split_kitchen(&keys, &[]).await;
    let mut settings = crate::support::test_settings(&cafe.app.database_url);
    keys.apply(&mut settings);
    let client = RemoteModule::new("kitchen", &kitchen.internal, &settings.internal).unwrap();
    let remote = brigade::modules::kitchen::api::remote::Client(Arc::new(client));
    kitchen_contract(Arc::new(remote), &cafe).await;
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn call_internal(
    url: &str,
    authorization: Option<&str>,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = awc::Client::new().get(format!(
        "{url}/internal/kitchen/feed_head?args=%7B%22cook%22%3Anull%7D"
    ));
    if let Some(a) = authorization {
        req = req.insert_header(("Authorization", a));
    }
    for header in extra {
        req = req.insert_header(*header);
    }
    let mut res = req.send().await.expect("the internal listener answers");
    let body = res.body().await.unwrap();
    (
        res.status().as_u16(),
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

#[actix_web::test]
async fn internal_routes_refuse_every_call_without_a_valid_internal_token() {
    let keys = Keys::new("k1");
    let (cafe, kitchen) = split_kitchen(&keys, &[]).await;
    let cook = Subject {
        id: "usr_cook".into(),
        session: "ses_cook".into(),
        roles: vec!["kitchen".into()],
        scopes: None,
        venues: None,
    };
    let signer = Signer::new("k1", &keys.seed).unwrap();
    let valid = signer.sign("kitchen", &cook, "req-1", now(), 30).unwrap();
    let (status, body) =
        call_internal(&kitchen.internal, Some(&format!("Bearer {valid}")), &[]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.is_i64(), "{body}");

    let expired = signer
        .sign("kitchen", &cook, "req-2", now() - 120, 30)
        .unwrap();
    let misaddressed = signer.sign("ordering", &cook, "req-3", now(), 30).unwrap();
    let stranger = Keys::new("k1");
    let forged = Signer::new("k1", &stranger.seed)
        .unwrap()
        .sign("kitchen", &cook, "req-4", now(), 30)
        .unwrap();
    let claims = valid.split('.').nth(1).unwrap();
    let unsigned = format!("eyJhbGciOiJub25lIiwia2lkIjoiazEifQ.{claims}.");
    let public_token = format!("Bearer {}", cafe.cook);
    type Refusal<'a> = (&'a str, Option<String>, Vec<(&'a str, &'a str)>);
    let refusals: Vec<Refusal> = vec![
        ("no token", None, vec![]),
        (
            "an identity header",
            None,
            vec![("X-User-Id", "usr_cook"), ("X-Roles", "admin")],
        ),
        ("the public access token", Some(public_token), vec![]),
        (
            "an expired token",
            Some(format!("Bearer {expired}")),
            vec![],
        ),
        (
            "a token for another module",
            Some(format!("Bearer {misaddressed}")),
            vec![],
        ),
        (
            "a token signed by another key",
            Some(format!("Bearer {forged}")),
            vec![],
        ),
        (
            "an unsigned token",
            Some(format!("Bearer {unsigned}")),
            vec![],
        ),
    ];
    for (what, authorization, headers) in refusals {
        let (status, body) =
            call_internal(&kitchen.internal, authorization.as_deref(), &headers).await;
        assert_eq!(status, 401, "{what}: {body}");
        assert_eq!(body["code"], "internal_token_refused", "{what}: {body}");
    }

    // The public listener has no internal routes, whatever the caller holds.
    let through_edge = cafe
        .app
        .send(
            "GET",
            "/internal/kitchen/feed_head",
            None,
            &[("Authorization", &format!("Bearer {valid}"))],
            None,
        )
        .await;
    through_edge.problem(404);
}

#[actix_web::test]
async fn while_the_kitchen_is_down_customers_still_order_and_its_tickets_come_once_it_is_back() {
    let keys = Keys::new("k1");
    let port = vacant_port();
    let database = Database::fresh();
    let url = database.url.clone();
    let edge = spawn_edge(
        &[("kitchen".to_owned(), format!("http://127.0.0.1:{port}"))],
        &keys,
        &[("BRIGADE_INTERNAL__BREAKER_OPEN_SECS", "1")],
        database,
    )
    .await;
    let cafe = Cafe::open_in(edge).await;
    let app = &cafe.app;

    // Browsing, ordering and paying do not need the kitchen.
    assert_eq!(app.get("/v1/menu", None).await.status, 200);
    let first = paid_order(&cafe, "pay-down-1").await;
    let second = paid_order(&cafe, "pay-down-2").await;

    // Its own routes answer 503 with Retry-After; after a few failures the circuit opens.
    for _ in 0..3 {
        let down = app.get("/v1/kitchen/tickets", Some(&cafe.cook)).await;
        assert_eq!(
            down.problem(503)["code"],
            "module_unavailable",
            "{}",
            down.body
        );
        assert_eq!(down.header("retry-after").as_deref(), Some("1"));
    }
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "the rest of Brigade stays ready");
    assert_eq!(
        ready.body["remote"],
        json!([{"module": "kitchen", "circuit": "open"}])
    );

    // The kitchen's process starts: it catches up on what was paid meanwhile, once each.
    let _kitchen = Host::start(&url, &["kitchen"], &keys, port).await;
    let page = app
        .eventually("/v1/kitchen/tickets", Some(&cafe.cook), |p| {
            p["data"].as_array().is_some_and(|d| d.len() >= 2)
        })
        .await;
    let orders: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["order_id"].as_str().unwrap())
        .collect();
    assert_eq!(orders.len(), 2, "{page}");
    assert!(orders.contains(&first.as_str()) && orders.contains(&second.as_str()));
    let ready = app.get("/readyz", None).await;
    assert_eq!(
        ready.body["remote"],
        json!([{"module": "kitchen", "circuit": "closed"}])
    );
    cafe.cook_everything(&first).await;
    cafe.wait_for_status(&first, "ready").await;
}

#[actix_web::test]
async fn one_topology_file_serves_every_process_and_names_only_modules() {
    // Every module's address in one file: a process hosts what --modules names and calls
    // the rest; the monolith, naming none, would call them all.
    let mut settings = crate::support::test_settings("sqlite://unused.db");
    Keys::new("k1").apply(&mut settings);
    settings.topology.remote.insert(
        "kitchen".into(),
        brigade::platform::remote::RemoteTarget {
            url: "http://127.0.0.1:1".into(),
        },
    );
    settings.topology.hosts = vec!["kitchen".into()];
    assert!(settings.topology.hosts("kitchen"));
    assert!(!settings.topology.hosts("ordering"));
    settings.topology.hosts.clear();
    assert!(!settings.topology.hosts("kitchen"));
    assert!(settings.topology.hosts("ordering"));
    settings.check().unwrap();

    settings.topology.hosts = vec!["bakery".into()];
    let refused = settings.check().unwrap_err().to_string();
    assert!(refused.contains("\"bakery\" is no module"), "{refused}");
    settings.topology.hosts.clear();
    settings.topology.remote.get_mut("kitchen").unwrap().url = "ftp://x".into();
    let refused = settings.check().unwrap_err().to_string();
    assert!(refused.contains("topology.remote.kitchen.url"), "{refused}");
}

#[actix_web::test]
async fn the_edge_lists_and_redrives_the_dead_letters_of_every_process() {
    let keys = Keys::new("k1");
    let (edge, hosts) = crate::support::split_everything(&keys, &[]).await;
    let ordering = hosts
        .iter()
        .find(|h| h.modules == ["ordering"])
        .unwrap()
        .database_url
        .clone();
    let cafe = Cafe::open_in(edge.with_companions(hosts)).await;
    // A payload version no consumer reads, in the ordering process's outbox: the kitchen's
    // process buries it after its attempts.
    let settings = crate::support::test_settings(&ordering);
    let db = brigade::platform::db::Db::connect_for(
        &settings.database,
        &brigade::platform::db::MigrationScope::Owners(vec![]),
    )
    .unwrap();
    db.write(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "INSERT INTO ordering_outbox (id, event_type, version, aggregate_id, occurred_at, payload) \
             VALUES ('evt_unreadable', 'order.paid', 99, 'ord_x', '2026-12-02 12:00:00', '{}')",
        )
        .execute(c)
        .map_err(brigade::platform::db::DbError::from)
    })
    .await
    .unwrap();

    let app = &cafe.app;
    let dead = app
        .eventually("/v1/admin/events/dead-letters", Some(&cafe.admin), |p| {
            p["data"]
                .as_array()
                .is_some_and(|d| d.iter().any(|l| l["subscription"] == "kitchen<-ordering"))
        })
        .await;
    let letter = dead["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["subscription"] == "kitchen<-ordering")
        .unwrap();
    assert_eq!(letter["event"]["id"], "evt_unreadable");
    let subscriptions = app
        .get("/v1/admin/events/subscriptions", Some(&cafe.admin))
        .await;
    assert!(
        subscriptions.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "kitchen<-ordering"),
        "{}",
        subscriptions.body
    );
    // The re-drive goes to the kitchen's process, whose consumer still cannot read it.
    let id = letter["id"].as_str().unwrap();
    let again = app
        .post(
            &format!("/v1/admin/events/dead-letters/{id}/redrive"),
            Some(&cafe.admin),
            json!({}),
        )
        .await;
    assert_eq!(again.problem(409)["code"], "conflict", "{}", again.body);
    app.post(
        "/v1/admin/events/dead-letters/dlq_nope/redrive",
        Some(&cafe.admin),
        json!({}),
    )
    .await
    .problem(404);
    let refused = app
        .get("/v1/admin/events/dead-letters", Some(&cafe.customer))
        .await;
    refused.problem(403);
}

fn staff_call() -> Call {
    Call::new(
        Principal {
            user_id: "usr_staff".into(),
            session_id: "ses_staff".into(),
            roles: vec![Role::Staff],
            scopes: None,
            plan: None,
            venues: None,
        },
        "req-catalog-contract",
    )
}

/// What every implementation of the catalog's api does, in-process or over HTTP.
async fn catalog_contract(catalog: Arc<dyn CatalogApi>) {
    let staff = staff_call();
    let customer = Call::new(
        Principal {
            roles: vec![Role::Customer],
            ..staff.principal.clone()
        },
        "req-catalog-contract",
    );
    let tea: NewCategory = serde_json::from_value(json!({"name": "Tea"})).unwrap();
    assert!(matches!(
        catalog.create_category(&customer, tea.clone()).await,
        Err(CatalogError::Forbidden(_))
    ));
    let unnamed: NewCategory = serde_json::from_value(json!({"name": ""})).unwrap();
    match catalog.create_category(&staff, unnamed).await {
        Err(CatalogError::Validation(errors)) => assert_eq!(errors[0].field, "name"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let created = catalog.create_category(&staff, tea).await.unwrap();
    assert_eq!(catalog.category(&created.id).await.unwrap().name, "Tea");
    assert!(matches!(
        catalog.category("cat_nope").await,
        Err(CatalogError::CategoryNotFound(_))
    ));
    let rename: CategoryPatch = serde_json::from_value(json!({"name": "Teas"})).unwrap();
    match catalog
        .update_category(
            &staff,
            &created.id,
            rename.clone(),
            Some(created.version + 7),
        )
        .await
    {
        Err(CatalogError::VersionMismatch { current_etag }) => assert!(!current_etag.is_empty()),
        other => panic!("expected a version mismatch, got {other:?}"),
    }
    let renamed = catalog
        .update_category(&staff, &created.id, rename, Some(created.version))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Teas");

    let sencha: NewItem = serde_json::from_value(json!({"category_id": created.id,
        "name": "Sencha", "price": 300, "currency": "EUR", "station": "bar"}))
    .unwrap();
    let item = catalog.create_item(&staff, sencha).await.unwrap();
    let found = catalog
        .items_by_ids(
            &[item.id.clone(), "itm_nope".into()],
            "ven_default",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let menu = catalog.menu().await.unwrap();
    assert!(
        menu.categories
            .iter()
            .flat_map(|c| &c.items)
            .any(|i| i.id == item.id)
    );
    // Sold out until the default venue's next day (asked of the venues module), then back.
    let sold_out = catalog
        .sell_out(&staff, &item.id, Default::default())
        .await
        .unwrap();
    assert!(!sold_out.available && sold_out.sold_out_until.is_some());
    assert!(
        catalog
            .bring_back(&staff, &item.id, None)
            .await
            .unwrap()
            .available
    );
    let off = catalog
        .set_availability(&staff, &item.id, false)
        .await
        .unwrap();
    assert!(!off.available);
    catalog.delete_item(&staff, &item.id).await.unwrap();
    assert!(matches!(
        catalog.item(&item.id).await,
        Err(CatalogError::ItemNotFound(_))
    ));
}

#[actix_web::test]
async fn the_catalog_contract_holds_in_process() {
    let app = crate::support::TestApp::spawn().await;
    catalog_contract(app.app_modules.api::<dyn CatalogApi>()).await;
}

#[actix_web::test]
async fn the_catalog_contract_holds_over_http() {
    let keys = Keys::new("k1");
    let database = Database::fresh();
    // The catalog asks the venues module for a venue's next day.
    let catalog = Host::start(&database.url, &["venues", "catalog"], &keys, 0).await;
    let mut settings = crate::support::test_settings(&database.url);
    keys.apply(&mut settings);
    let client = RemoteModule::new("catalog", &catalog.internal, &settings.internal).unwrap();
    catalog_contract(Arc::new(brigade::modules::catalog::api::remote::Client(
        Arc::new(client),
    )))
    .await;
}

/// What the ordering and payments apis do together, in-process or over HTTP: placing with a
/// request key is idempotent, another customer's order does not exist for them, paying with
/// an idempotency key charges once and says so on the replay, an illegal step is refused.
async fn ordering_and_payments_contract(
    catalog: Arc<dyn CatalogApi>,
    ordering: Arc<dyn OrderingApi>,
    payments: Arc<dyn PaymentsApi>,
) {
    let staff = staff_call();
    let customer = |id: &str| {
        Call::new(
            Principal {
                user_id: id.into(),
                session_id: format!("ses_{id}"),
                roles: vec![Role::Customer],
                scopes: None,
                plan: None,
                venues: None,
            },
            "req-ordering-contract",
        )
    };
    let (ada, bob) = (customer("usr_ada"), customer("usr_bob"));
    let coffee: NewCategory = serde_json::from_value(json!({"name": "Coffee"})).unwrap();
    let category = catalog.create_category(&staff, coffee).await.unwrap();
    let espresso: NewItem = serde_json::from_value(json!({"category_id": category.id,
        "name": "Espresso", "price": 250, "currency": "EUR", "station": "bar"}))
    .unwrap();
    let item = catalog.create_item(&staff, espresso).await.unwrap();
    let order: NewOrder = serde_json::from_value(json!({
        "lines": [{"item_id": item.id, "quantity": 2}], "fulfillment": {"type": "pickup"}}))
    .unwrap();

    let placed = ordering
        .place(&ada, order.clone(), Some("key-1".into()))
        .await
        .unwrap();
    let again = ordering
        .place(&ada, order.clone(), Some("key-1".into()))
        .await
        .unwrap();
    assert_eq!(again.id, placed.id, "one order per request key");
    assert!(matches!(
        ordering.get(&bob, &placed.id).await,
        Err(OrderingError::NotFound(_))
    ));
    assert!(matches!(
        ordering.hand_over(&ada, &placed.id).await,
        Err(OrderingError::Forbidden(_))
    ));

    let card: PaymentRequest = serde_json::from_value(json!({"card_token": "tok_ok"})).unwrap();
    let paid = payments
        .pay(&ada, &placed.id, Some("pay-1"), card.clone())
        .await
        .unwrap();
    assert!(!paid.replayed);
    assert_eq!(paid.payment.amount, placed.total);
    let replay = payments
        .pay(&ada, &placed.id, Some("pay-1"), card.clone())
        .await
        .unwrap();
    assert!(replay.replayed, "the same key answers the same payment");
    assert_eq!(replay.payment.id, paid.payment.id);
    assert!(matches!(
        payments.payment(&bob, &paid.payment.id).await,
        Err(PaymentsError::NotFound(_))
    ));
    let listed = payments.order_payments(&ada, &placed.id).await.unwrap();
    assert_eq!(listed.data.len(), 1, "charged once");
}

#[actix_web::test]
async fn the_ordering_and_payments_contract_holds_in_process() {
    let app = crate::support::TestApp::spawn().await;
    let m = &app.app_modules;
    ordering_and_payments_contract(
        m.api::<dyn CatalogApi>(),
        m.api::<dyn OrderingApi>(),
        m.api::<dyn PaymentsApi>(),
    )
    .await;
}

#[actix_web::test]
async fn the_ordering_and_payments_contract_holds_over_http() {
    let keys = Keys::new("k1");
    let (edge, hosts) = crate::support::split_everything(&keys, &[]).await;
    let mut settings = crate::support::test_settings(&edge.database_url);
    keys.apply(&mut settings);
    let at = |module: &'static str| {
        let host = hosts.iter().find(|h| h.modules == [module]).unwrap();
        Arc::new(RemoteModule::new(module, &host.internal, &settings.internal).unwrap())
    };
    use brigade::modules::{catalog, ordering, payments};
    ordering_and_payments_contract(
        Arc::new(catalog::api::remote::Client(at("catalog"))),
        Arc::new(ordering::api::remote::Client(at("ordering"))),
        Arc::new(payments::api::remote::Client(at("payments"))),
    )
    .await;
    drop(edge.with_companions(hosts));
}
