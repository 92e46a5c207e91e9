//! `/metrics`: Prometheus text for operators, closed to everyone else.

use brigade::modules::identity::api::Role;

use crate::support::TestApp;

fn sample<'a>(text: &'a str, starts: &str) -> Option<&'a str> {
    text.lines().find(|l| l.starts_with(starts))
}

#[actix_web::test]
async fn metrics_show_traffic_by_module_route_and_status_pools_and_event_delivery() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.get("/v1/menu", None).await;
    }
    app.get("/v1/orders", None).await;
    let admin = app.token_with_role("ops@example.com", Role::Admin).await;
    app.get("/v1/admin/inventory", Some(&admin)).await;

    let res = app.get("/metrics", None).await;
    assert_eq!(res.status, 200);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = String::from_utf8(res.raw.clone()).unwrap();
    let menu = sample(
        &text,
        "brigade_http_requests_total{module=\"catalog\",method=\"GET\",route=\"/v1/menu\",status=\"200\"}",
    )
    .unwrap_or_else(|| panic!("no menu series in:\n{text}"));
    assert!(menu.ends_with(" 3"), "{menu}");
    assert!(sample(&text, "brigade_http_requests_total{module=\"ordering\",method=\"GET\",route=\"/v1/orders\",status=\"401\"} 1").is_some());
    assert!(
        text.lines().any(
            |l| l.starts_with("brigade_http_request_duration_seconds_bucket")
                && l.contains("module=\"governance\"")
        ),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "brigade_db_pool_connections{pool=\"writer\",state=\"max\"}"
        )
        .is_some()
    );
    assert!(
        sample(
            &text,
            "brigade_outbox_backlog{subscription=\"kitchen<-ordering\"}"
        )
        .is_some(),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "brigade_dead_letters{subscription=\"kitchen<-ordering\"} 0"
        )
        .is_some()
    );
    assert!(sample(&text, "brigade_rate_limit_refusals_total{plan=\"free\"} 0").is_some());
    // Every request above read the database at least once (the admin's account was written).
    for counter in ["brigade_db_reads_total ", "brigade_db_writes_total "] {
        let line = sample(&text, counter).unwrap_or_else(|| panic!("no {counter} in:\n{text}"));
        let count: f64 = line[counter.len()..].trim().parse().unwrap();
        assert!(count >= 1.0, "{line}");
    }
    assert!(text.trim_end().ends_with("# EOF"));
}

#[actix_web::test]
async fn metrics_are_closed_to_other_networks_and_to_scrapers_without_the_token() {
    let elsewhere =
        TestApp::spawn_with(&[("BRIGADE_METRICS__ALLOWED_NETWORKS", "10.0.0.0/8")]).await;
    elsewhere.get("/metrics", None).await.problem(404);

    let guarded =
        TestApp::spawn_with(&[("BRIGADE_METRICS__BEARER_TOKEN", "scrape-secret-0123456789")]).await;
    guarded.get("/metrics", None).await.problem(404);
    guarded.get("/metrics", Some("wrong")).await.problem(404);
    assert_eq!(
        guarded
            .get("/metrics", Some("scrape-secret-0123456789"))
            .await
            .status,
        200
    );

    let off = TestApp::spawn_with(&[("BRIGADE_METRICS__ENABLED", "false")]).await;
    off.get("/metrics", None).await.problem(404);
}

#[actix_web::test]
async fn made_up_methods_and_paths_share_one_series_each() {
    let app = TestApp::spawn().await;
    for i in 0..40 {
        let method = format!("BREW{i}");
        app.send(&method, "/v1/menu", None, &[], None).await;
        app.send(&method, &format!("/no/such/path/{i}"), None, &[], None)
            .await;
        app.get(&format!("/v1/nothing-here-{i}"), None).await;
    }
    let text = String::from_utf8(app.get("/metrics", None).await.raw).unwrap();
    assert!(!text.contains("BREW"), "method names leak into labels");
    assert!(!text.contains("nothing-here"), "paths leak into labels");
    let series = |needle: &str| {
        text.lines()
            .filter(|l| l.starts_with("brigade_http_requests_total{") && l.contains(needle))
            .count()
    };
    assert_eq!(series("method=\"OTHER\",route=\"/v1/menu\""), 1, "{text}");
    assert!(series("route=\"(unmatched)\"") <= 2, "{text}");
}
