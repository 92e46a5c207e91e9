//! The café most tests start from: a menu with a bar item (with milk options) and a
//! kitchen item, and one signed-in person per role.

use brigade::modules::identity::api::Role;
use serde_json::{Value, json};

use super::TestApp;

/// A café with a bar item (with milk options) and a kitchen item, and one person per role.
pub struct Cafe {
    pub app: TestApp,
    pub staff: String,
    pub customer: String,
    pub cook: String,
    pub courier: String,
    pub admin: String,
    pub flat_white: String,
    pub oat: String,
    pub croissant: String,
}

impl Cafe {
    pub async fn open() -> Cafe {
        Self::open_with(&[]).await
    }

    /// [`Cafe::open`] with extra settings.
    pub async fn open_with(extra: &[(&str, &str)]) -> Cafe {
        Self::open_in(TestApp::spawn_with(extra).await).await
    }

    /// The café with every module in a process of its own behind an edge.
    pub async fn split() -> Cafe {
        Self::split_with(&[]).await
    }

    /// [`Cafe::split`] with extra settings for every process.
    pub async fn split_with(extra: &[(&str, &str)]) -> Cafe {
        let keys = super::Keys::new("k1");
        let (edge, hosts) = super::split_everything(&keys, extra).await;
        Self::open_in(edge.with_companions(hosts)).await
    }

    /// The café served by `app` (e.g. an edge whose modules run in other processes).
    pub async fn open_in(app: TestApp) -> Cafe {
        let staff = app.token_with_role("staff@example.com", Role::Staff).await;
        let cook = app.token_with_role("cook@example.com", Role::Kitchen).await;
        let courier = app
            .token_with_role("courier@example.com", Role::Courier)
            .await;
        let admin = app.token_with_role("admin@example.com", Role::Admin).await;
        let customer = app.customer_token("ada@example.com").await;
        let category = app
            .post(
                "/v1/catalog/categories",
                Some(&staff),
                json!({"name": "Coffee"}),
            )
            .await;
        let category = category.body["id"].as_str().unwrap().to_owned();
        let item = app
            .post(
                "/v1/catalog/items",
                Some(&staff),
                json!({"category_id": category, "name": "Flat white", "price": 380,
                    "currency": "EUR", "station": "bar",
                    "option_groups": [{"name": "Milk", "min_choices": 0, "max_choices": 1,
                        "options": [{"name": "Whole"}, {"name": "Oat", "price_delta": 40}]}]}),
            )
            .await;
        assert_eq!(item.status, 201, "{}", item.body);
        let oat = item.body["option_groups"][0]["options"][1]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let flat_white = item.body["id"].as_str().unwrap().to_owned();
        let croissant = app
            .post(
                "/v1/catalog/items",
                Some(&staff),
                json!({"category_id": category, "name": "Croissant", "price": 250,
                    "currency": "EUR", "station": "pastry"}),
            )
            .await;
        let croissant = croissant.body["id"].as_str().unwrap().to_owned();
        Cafe {
            app,
            staff,
            customer,
            cook,
            courier,
            admin,
            flat_white,
            oat,
            croissant,
        }
    }

    /// A second venue, a station kiosk on Paris time, open around the clock; its id.
    pub async fn kiosk(&self) -> String {
        let created = self
            .app
            .post(
                "/v1/venues",
                Some(&self.staff),
                json!({"name": "Station kiosk", "time_zone": "Europe/Paris", "currency": "EUR"}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        created.body["id"].as_str().unwrap().to_owned()
    }

    /// Staff give `item` its own make time.
    pub async fn takes_minutes(&self, item: &str, minutes: u32) {
        let res = self
            .app
            .patch(
                &format!("/v1/catalog/items/{item}"),
                Some(&self.staff),
                json!({"make_minutes": minutes}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
    }

    /// Places the usual order (2 oat flat whites and a croissant) and returns its body.
    pub async fn order(&self, token: &str, fulfillment: Value) -> Value {
        let res = self
            .app
            .post(
                "/v1/orders",
                Some(token),
                json!({"lines": [
                    {"item_id": self.flat_white, "quantity": 2, "options": [self.oat]},
                    {"item_id": self.croissant, "quantity": 1}],
                  "fulfillment": fulfillment, "note": "extra hot"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        res.body
    }

    pub async fn pay(&self, token: &str, order_id: &str, key: &str, card: &str) -> super::Response {
        self.app
            .send(
                "POST",
                &format!("/v1/orders/{order_id}/payments"),
                Some(token),
                &[("Idempotency-Key", key)],
                Some(json!({"card_token": card})),
            )
            .await
    }

    pub async fn cancel(&self, token: &str, order_id: &str) -> super::Response {
        self.app
            .post(
                &format!("/v1/orders/{order_id}/cancel"),
                Some(token),
                json!({}),
            )
            .await
    }

    pub async fn wait_for_status(&self, order_id: &str, status: &str) -> Value {
        let path = format!("/v1/orders/{order_id}");
        self.app
            .eventually(&path, Some(&self.customer), |o| o["status"] == status)
            .await
    }

    /// The order's ticket, once the kitchen has it.
    pub async fn ticket_of(&self, order_id: &str) -> Value {
        let path = format!("/v1/kitchen/tickets?order_id={order_id}");
        let page = self
            .app
            .eventually(&path, Some(&self.cook), |p| {
                p["data"].as_array().is_some_and(|d| d.len() == 1)
            })
            .await;
        page["data"][0].clone()
    }

    /// The kitchen finds the order's ticket and prepares every line.
    pub async fn cook_everything(&self, order_id: &str) {
        let ticket = &self.ticket_of(order_id).await;
        let ticket_id = ticket["id"].as_str().unwrap();
        for line in ticket["lines"].as_array().unwrap() {
            let line_id = line["id"].as_str().unwrap();
            for step in ["start", "done"] {
                let res = self
                    .app
                    .post(
                        &format!("/v1/kitchen/tickets/{ticket_id}/lines/{line_id}/{step}"),
                        Some(&self.cook),
                        json!({}),
                    )
                    .await;
                assert_eq!(res.status, 200, "{step}: {}", res.body);
            }
        }
    }
}
