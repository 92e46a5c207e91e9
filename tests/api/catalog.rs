use std::collections::HashSet;

use brigade::modules::catalog::api::CatalogApi;
use brigade::modules::identity::api::Role;
use serde_json::{Value, json};

use crate::support::{Response, TestApp};

async fn with_demo_menu() -> TestApp {
    let app = TestApp::spawn().await;
    let created = app.load_demo().await;
    assert!(created >= 20);
    app
}

async fn staff(app: &TestApp) -> String {
    app.token_with_role("chef@example.com", Role::Staff).await
}

async fn new_category(app: &TestApp, token: &str, name: &str) -> String {
    let res = app
        .post(
            "/v1/catalog/categories",
            Some(token),
            json!({"name": name, "position": 1}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.body["id"].as_str().unwrap().to_owned()
}

/// A flat white on the menu, by staff: its path and `ETag`.
async fn a_flat_white(app: &TestApp, token: &str) -> (String, String) {
    let category = new_category(app, token, "Coffee").await;
    let created = app
        .post("/v1/catalog/items", Some(token), flat_white(&category))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!("/v1/catalog/items/{}", created.body["id"].as_str().unwrap());
    (path, created.header("etag").unwrap())
}

/// `PATCH path` with `body`, by `token`, if the resource is still at `etag`.
async fn patch_if_match(
    app: &TestApp,
    path: &str,
    token: &str,
    etag: &str,
    body: Value,
) -> Response {
    app.send(
        "PATCH",
        path,
        Some(token),
        &[("If-Match", etag)],
        Some(body),
    )
    .await
}

fn flat_white(category_id: &str) -> Value {
    json!({
        "category_id": category_id, "name": "Flat white", "description": "Velvety",
        "price": 380, "currency": "EUR", "tags": ["Vegetarian", "contains-milk"], "station": "bar",
        "option_groups": [{"name": "Milk", "min_choices": 0, "max_choices": 1,
            "options": [{"name": "Whole"}, {"name": "Oat", "price_delta": 40}]}]
    })
}

#[actix_web::test]
async fn the_menu_is_public_and_grouped_by_category() {
    let app = with_demo_menu().await;
    let res = app.get("/v1/menu", None).await;
    assert_eq!(res.status, 200);
    let categories = res.body["categories"].as_array().unwrap();
    assert!(categories.len() >= 4);
    assert_eq!(categories[0]["name"], "Coffee");
    let items: Vec<&Value> = categories
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .collect();
    assert!(items.len() >= 19);
    let latte = items.iter().find(|i| i["name"] == "Caffè latte").unwrap();
    assert_eq!(latte["currency"], "EUR");
    assert_eq!(latte["station"], "bar");
    assert_eq!(latte["option_groups"][0]["name"], "Size");
    assert_eq!(latte["option_groups"][0]["options"][2]["price_delta"], 80);
    // Coffees take their category's three minutes to make.
    assert_eq!(latte["make_minutes"], Value::Null);
    assert_eq!(latte["effective_make_minutes"], 3);
    // Breakfast is served until noon on the café's clock (UTC), and the brownies will be
    // back by then.
    let count = |at: &'static str| {
        let app = &app;
        async move {
            let menu = app
                .get(&format!("/v1/venues/ven_default/menu?at={at}"), None)
                .await;
            menu.body["categories"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["items"].as_array().unwrap().len())
                .sum::<usize>()
        }
    };
    assert_eq!(count("2030-01-07T09:00:00Z").await, 24);
    assert_eq!(count("2030-01-07T15:00:00Z").await, 20);
    // The brownies ran out: off the menu until the café's next day.
    assert!(!items.iter().any(|i| i["name"] == "Vegan brownie"));
    let sold_out = app.get("/v1/catalog/items?available=false", None).await;
    assert_eq!(
        sold_out.body["data"][0]["name"], "Vegan brownie",
        "{}",
        sold_out.body
    );
    assert!(sold_out.body["data"][0]["sold_out_until"].is_string());
    assert!(res.header("cache-control").unwrap().contains("public"));

    // The station kiosk keeps commuter hours, bakes nothing and charges more for coffee.
    let venues = app.get("/v1/venues", None).await;
    let kiosk = venues.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "Brigade Gare Part-Dieu")
        .unwrap_or_else(|| panic!("no kiosk: {}", venues.body));
    assert_eq!(kiosk["hours"]["sunday"], json!([]));
    let kiosk_menu = app
        .get(
            &format!(
                "/v1/venues/{}/menu?at=2030-01-07T09:00:00Z",
                kiosk["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    let kiosk_items: Vec<&Value> = kiosk_menu.body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .collect();
    assert!(!kiosk_items.iter().any(|i| i["name"] == "Banana bread"));
    let kiosk_latte = kiosk_items
        .iter()
        .find(|i| i["name"] == "Caffè latte")
        .unwrap();
    assert_eq!(
        kiosk_latte["price"].as_i64(),
        latte["price"].as_i64().map(|p| p + 30)
    );
    assert!(res.header("cache-control").unwrap().contains("max-age"));
}

#[actix_web::test]
async fn the_menu_revalidates_with_etags_and_changes_when_the_catalog_does() {
    let app = with_demo_menu().await;
    let first = app.get("/v1/menu", None).await;
    let etag = first.header("etag").unwrap();
    let again = app
        .send("GET", "/v1/menu", None, &[("If-None-Match", &etag)], None)
        .await;
    assert_eq!(again.status, 304);
    assert!(again.raw.is_empty());
    assert_eq!(again.header("etag").as_deref(), Some(etag.as_str()));

    // Selling out an item takes it off the menu at once, with a new ETag.
    let token = staff(&app).await;
    let espresso = first.body["categories"][0]["items"][0].clone();
    let res = app
        .put(
            &format!(
                "/v1/catalog/items/{}/availability",
                espresso["id"].as_str().unwrap()
            ),
            Some(&token),
            json!({"available": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["available"], false);
    let after = app
        .send("GET", "/v1/menu", None, &[("If-None-Match", &etag)], None)
        .await;
    assert_eq!(after.status, 200);
    assert_ne!(after.header("etag").unwrap(), etag);
    let names: Vec<&str> = after.body["categories"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"Espresso"));
}

#[actix_web::test]
async fn staff_create_items_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let token = staff(&app).await;
    let category = new_category(&app, &token, "Coffee").await;

    let customer = app.customer_token("cus@example.com").await;
    app.post("/v1/catalog/items", Some(&customer), flat_white(&category))
        .await
        .problem(403);
    app.post("/v1/catalog/items", None, flat_white(&category))
        .await
        .problem(401);
    app.post(
        "/v1/catalog/categories",
        Some(&customer),
        json!({"name": "X"}),
    )
    .await
    .problem(403);
    let kitchen = app.token_with_role("kit@example.com", Role::Kitchen).await;
    app.post("/v1/catalog/items", Some(&kitchen), flat_white(&category))
        .await
        .problem(403);

    let res = app
        .post("/v1/catalog/items", Some(&token), flat_white(&category))
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_str().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/v1/catalog/items/{id}"))
    );
    assert_eq!(res.body["tags"], json!(["contains-milk", "vegetarian"]));
    assert_eq!(res.body["available"], true);
    assert_eq!(
        res.body["option_groups"][0]["options"][1]["price_delta"],
        40
    );

    let fetched = app.get(&format!("/v1/catalog/items/{id}"), None).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, res.body);

    // Admins may do what staff may.
    let admin = app.token_with_role("adm@example.com", Role::Admin).await;
    assert_eq!(
        app.post("/v1/catalog/items", Some(&admin), flat_white(&category))
            .await
            .status,
        201
    );
}

#[actix_web::test]
async fn invalid_items_are_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let token = staff(&app).await;
    let category = new_category(&app, &token, "Coffee").await;
    let mut item = flat_white(&category);
    item["currency"] = json!("XXY");
    item["station"] = json!("Front Bar");
    item["option_groups"][0]["min_choices"] = json!(2);
    let res = app.post("/v1/catalog/items", Some(&token), item).await;
    let fields: HashSet<String> = res.problem(422)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert!(fields.contains("currency"));
    assert!(fields.contains("station"));
    assert!(fields.contains("option_groups[0].min_choices"));

    let mut item = flat_white("cat_missing");
    item["price"] = json!(-5);
    let res = app.post("/v1/catalog/items", Some(&token), item).await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "price");
    let res = app
        .post("/v1/catalog/items", Some(&token), flat_white("cat_missing"))
        .await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "category_id");
}

#[actix_web::test]
async fn updates_honour_if_match_and_stale_versions_get_412() {
    let app = TestApp::spawn().await;
    let token = staff(&app).await;
    let (path, etag) = a_flat_white(&app, &token).await;

    let read = app
        .send("GET", &path, None, &[("If-None-Match", &etag)], None)
        .await;
    assert_eq!(read.status, 304);

    let res = patch_if_match(&app, &path, &token, &etag, json!({"price": 400})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["price"], 400);
    assert_eq!(res.body["version"], 2);
    let new_etag = res.header("etag").unwrap();
    assert_ne!(new_etag, etag);

    let stale = patch_if_match(&app, &path, &token, &etag, json!({"price": 1})).await;
    stale.problem(412);
    assert_eq!(app.get(&path, None).await.body["price"], 400);

    // Replacing option groups and moving categories works too.
    let other = new_category(&app, &token, "Specials").await;
    let res = patch_if_match(
        &app,
        &path,
        &token,
        &new_etag,
        json!({"category_id": other, "option_groups": []}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["category_id"], other);
    assert_eq!(res.body["option_groups"], json!([]));

    let cat_path = format!("/v1/catalog/categories/{other}");
    let cat = app.get(&cat_path, None).await;
    let cat_etag = cat.header("etag").unwrap();
    let renamed =
        patch_if_match(&app, &cat_path, &token, &cat_etag, json!({"name": "Today"})).await;
    assert_eq!(renamed.status, 200);
    patch_if_match(
        &app,
        &cat_path,
        &token,
        &cat_etag,
        json!({"name": "Tomorrow"}),
    )
    .await
    .problem(412);
}

#[actix_web::test]
async fn items_filter_by_category_tag_and_availability() {
    let app = with_demo_menu().await;
    let menu = app.get("/v1/menu", None).await.body;
    let pastries = menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Pastries")
        .unwrap();
    let pastry_id = pastries["id"].as_str().unwrap();

    let res = app
        .get(
            &format!("/v1/catalog/items?category_id={pastry_id}&available=true&limit=100"),
            None,
        )
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.body["data"].as_array().unwrap().len(),
        pastries["items"].as_array().unwrap().len()
    );
    // The menu leaves out what cannot be ordered now; the catalog lists it.
    let res = app
        .get(
            &format!("/v1/catalog/items?category_id={pastry_id}&limit=100"),
            None,
        )
        .await;
    assert_eq!(
        res.body["data"].as_array().unwrap().len(),
        pastries["items"].as_array().unwrap().len() + 1
    );

    let res = app.get("/v1/catalog/items?tag=vegan&limit=100", None).await;
    let vegan = res.body["data"].as_array().unwrap();
    assert!(!vegan.is_empty());
    assert!(
        vegan
            .iter()
            .all(|i| i["tags"].as_array().unwrap().contains(&json!("vegan")))
    );

    let res = app.get("/v1/catalog/items?available=false", None).await;
    let names: Vec<&Value> = res.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["name"])
        .collect();
    assert_eq!(names, [&json!("Vegan brownie")]);
    assert_eq!(res.body["next_cursor"], Value::Null);
}

#[actix_web::test]
async fn cursor_pagination_visits_every_item_once() {
    let app = with_demo_menu().await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/catalog/items?limit=7&cursor={c}"),
            None => "/v1/catalog/items?limit=7".to_owned(),
        };
        let res = app.get(&path, None).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let data = res.body["data"].as_array().unwrap();
        assert!(data.len() <= 7);
        seen.extend(data.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        pages += 1;
        match res.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no item appears twice");
    assert_eq!(seen.len(), 24);
    assert_eq!(pages, 4);

    let cats = app.get("/v1/catalog/categories?limit=2", None).await;
    assert_eq!(cats.body["data"].as_array().unwrap().len(), 2);
    let next = cats.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/v1/catalog/categories?limit=100&cursor={next}"),
            None,
        )
        .await;
    assert_eq!(rest.body["data"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn categories_with_items_cannot_be_deleted_and_deleted_items_are_gone() {
    let app = TestApp::spawn().await;
    let token = staff(&app).await;
    let category = new_category(&app, &token, "Coffee").await;
    let item = app
        .post("/v1/catalog/items", Some(&token), flat_white(&category))
        .await;
    let item_path = format!("/v1/catalog/items/{}", item.body["id"].as_str().unwrap());
    let cat_path = format!("/v1/catalog/categories/{category}");

    app.delete(&cat_path, Some(&token)).await.problem(409);
    app.post(
        "/v1/catalog/categories",
        Some(&token),
        json!({"name": "Coffee"}),
    )
    .await
    .problem(409);
    assert_eq!(app.delete(&item_path, Some(&token)).await.status, 204);
    app.get(&item_path, None).await.problem(404);
    app.delete(&item_path, Some(&token)).await.problem(404);
    assert_eq!(app.delete(&cat_path, Some(&token)).await.status, 204);
    app.get(&cat_path, None).await.problem(404);
}

#[actix_web::test]
async fn ordering_can_look_up_current_prices_options_and_availability() {
    let app = with_demo_menu().await;
    let menu = app.get("/v1/menu", None).await.body;
    let ids: Vec<String> = menu["categories"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let mut wanted = vec![ids[2].clone(), "itm_missing".to_owned(), ids[0].clone()];
    let found = app
        .app_modules
        .api::<dyn CatalogApi>()
        .items_by_ids(&wanted, "ven_default", chrono::Utc::now())
        .await
        .unwrap();
    wanted.remove(1);
    let found_ids: Vec<&str> = found.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        found_ids,
        wanted.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(found.iter().all(|i| i.price > 0 && i.available));
    assert!(!found[1].option_groups.is_empty());
}

#[actix_web::test]
async fn a_patch_with_null_tags_keeps_the_items_tags_as_the_contract_says() {
    let app = TestApp::spawn().await;
    let token = staff(&app).await;
    let (path, etag) = a_flat_white(&app, &token).await;

    let res = patch_if_match(
        &app,
        &path,
        &token,
        &etag,
        json!({"tags": null, "price": 410}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["price"], 410);
    assert_eq!(res.body["tags"], json!(["contains-milk", "vegetarian"]));

    let contract = app.get("/openapi.json", None).await.body;
    let tags = &contract["components"]["schemas"]["ItemPatch"]["properties"]["tags"];
    assert_eq!(tags["type"], json!(["array", "null"]), "{tags}");
}
