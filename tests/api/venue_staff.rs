//! Accounts limited to venues: an admin limits a staff, kitchen or courier account to some
//! venues, and from then on it sees and acts on those venues' orders, tickets and deliveries
//! only, and manages only those venues. A cook at the kiosk never sees the café's tickets.

use brigade::modules::identity::api::Role;
use serde_json::{Value, json};

use crate::support::{Cafe, each};

crate::support::in_both_topologies!(
    a_cook_at_one_venue_never_sees_another_venue_s_tickets,
    staff_and_couriers_limited_to_a_venue_act_there_only
);

/// A new account with `role`, limited by the admin to `venues`; its token.
async fn limited(cafe: &Cafe, email: &str, role: Role, venues: Value) -> String {
    let token = cafe.app.token_with_role(email, role).await;
    let me = cafe.app.get("/v1/me", Some(&token)).await;
    let id = me.body["id"].as_str().unwrap();
    let set = cafe
        .app
        .put(
            &format!("/v1/admin/users/{id}/venues"),
            Some(&cafe.admin),
            json!({"venue_ids": venues}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["venue_ids"], venues);
    token
}

/// A paid order for a flat white at `venue`, fulfilled as `fulfillment`; its id.
async fn paid_order(cafe: &Cafe, venue: &str, fulfillment: Value, key: &str) -> String {
    let placed = cafe
        .app
        .post(
            "/v1/orders",
            Some(&cafe.customer),
            json!({"venue_id": venue, "fulfillment": fulfillment,
                "lines": [{"item_id": cafe.flat_white, "quantity": 1}]}),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let id = placed.body["id"].as_str().unwrap().to_owned();
    let paid = cafe.pay(&cafe.customer, &id, key, "tok_ok").await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    id
}

async fn a_cook_at_one_venue_never_sees_another_venue_s_tickets(cafe: Cafe) {
    let kiosk = cafe.kiosk().await;
    let kiosk_cook = limited(
        &cafe,
        "kiosk-cook@example.com",
        Role::Kitchen,
        json!([kiosk]),
    )
    .await;
    let pickup = json!({"type": "pickup"});
    let at_cafe = paid_order(&cafe, "ven_default", pickup.clone(), "pay-cafe").await;
    let at_kiosk = paid_order(&cafe, &kiosk, pickup, "pay-kiosk").await;

    // The café's cook, limited to nothing, sees both; the kiosk's cook only the kiosk's.
    let both = cafe
        .app
        .eventually("/v1/kitchen/tickets", Some(&cafe.cook), |p| {
            p["data"].as_array().is_some_and(|d| d.len() == 2)
        })
        .await;
    assert_eq!(
        each(&both["data"], "venue_id"),
        ["ven_default", kiosk.as_str()]
    );
    let mine = cafe.app.get("/v1/kitchen/tickets", Some(&kiosk_cook)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(each(&mine.body["data"], "order_id"), [at_kiosk.as_str()]);
    // Asking for the café's tickets shows nothing either.
    let asked = cafe
        .app
        .get(
            "/v1/kitchen/tickets?venue_id=ven_default",
            Some(&kiosk_cook),
        )
        .await;
    assert_eq!(each(&asked.body["data"], "id"), Vec::<String>::new());

    // The café's ticket cannot be worked on from the kiosk: as if it did not exist.
    let cafe_ticket = &both["data"][0];
    let path = format!(
        "/v1/kitchen/tickets/{}/lines/{}/start",
        cafe_ticket["id"].as_str().unwrap(),
        cafe_ticket["lines"][0]["id"].as_str().unwrap()
    );
    cafe.app
        .post(&path, Some(&kiosk_cook), json!({}))
        .await
        .problem(404);
    assert_eq!(
        cafe.app
            .post(&path, Some(&cafe.cook), json!({}))
            .await
            .status,
        200
    );
    assert_ne!(at_cafe, at_kiosk);
}

async fn staff_and_couriers_limited_to_a_venue_act_there_only(cafe: Cafe) {
    let kiosk = cafe.kiosk().await;
    let kiosk_staff = limited(
        &cafe,
        "kiosk-staff@example.com",
        Role::Staff,
        json!([kiosk]),
    )
    .await;
    let kiosk_courier = limited(
        &cafe,
        "kiosk-courier@example.com",
        Role::Courier,
        json!([kiosk]),
    )
    .await;
    let delivery = json!({"type": "delivery", "address": {"line1": "12 Rue des Lilas",
        "city": "Lyon", "postal_code": "69003", "country": "FR"}});
    let at_cafe = paid_order(&cafe, "ven_default", delivery, "pay-cafe").await;
    let at_kiosk = paid_order(&cafe, &kiosk, json!({"type": "pickup"}), "pay-kiosk").await;

    // Orders: the kiosk's staff see the kiosk's only.
    let listed = cafe.app.get("/v1/orders", Some(&kiosk_staff)).await;
    assert_eq!(each(&listed.body["data"], "id"), [at_kiosk.as_str()]);
    cafe.app
        .get(&format!("/v1/orders/{at_cafe}"), Some(&kiosk_staff))
        .await
        .problem(404);
    let everything = cafe.app.get("/v1/orders", Some(&cafe.staff)).await;
    assert_eq!(each(&everything.body["data"], "id").len(), 2);

    // Venues: they manage the kiosk, not the café.
    let busy = json!({"mode": "busy", "busy_minutes": 10});
    cafe.app
        .put(
            "/v1/venues/ven_default/state",
            Some(&kiosk_staff),
            busy.clone(),
        )
        .await
        .problem(403);
    let kiosk_busy = cafe
        .app
        .put(
            &format!("/v1/venues/{kiosk}/state"),
            Some(&kiosk_staff),
            busy,
        )
        .await;
    assert_eq!(kiosk_busy.status, 200, "{}", kiosk_busy.body);

    // Deliveries: the café's delivery is not on offer to the kiosk's courier.
    cafe.cook_everything(&at_cafe).await;
    let offered = cafe
        .app
        .eventually("/v1/deliveries", Some(&cafe.courier), |p| {
            p["data"].as_array().is_some_and(|d| d.len() == 1)
        })
        .await;
    assert_eq!(offered["data"][0]["venue_id"], "ven_default");
    let delivery_id = offered["data"][0]["id"].as_str().unwrap();
    let theirs = cafe.app.get("/v1/deliveries", Some(&kiosk_courier)).await;
    assert_eq!(each(&theirs.body["data"], "id"), Vec::<String>::new());
    cafe.app
        .post(
            &format!("/v1/deliveries/{delivery_id}/claim"),
            Some(&kiosk_courier),
            json!({}),
        )
        .await
        .problem(404);

    // Back to every venue: the café's order is theirs to see again.
    let me = cafe.app.get("/v1/me", Some(&kiosk_staff)).await;
    let id = me.body["id"].as_str().unwrap();
    let everywhere = cafe
        .app
        .put(
            &format!("/v1/admin/users/{id}/venues"),
            Some(&cafe.admin),
            json!({"venue_ids": null}),
        )
        .await;
    assert_eq!(everywhere.body["venue_ids"], Value::Null);
    let seen = cafe
        .app
        .get(&format!("/v1/orders/{at_cafe}"), Some(&kiosk_staff))
        .await;
    assert_eq!(seen.status, 200, "{}", seen.body);
}
