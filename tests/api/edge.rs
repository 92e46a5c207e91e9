//! Edge hygiene: CORS from an allow-list, compression by negotiation, slow clients dropped.

use std::io::{Read, Write};
use std::time::Duration;

use crate::support::TestApp;

const APP_ORIGIN: &str = "https://app.example.com";

async fn with_cors() -> TestApp {
    TestApp::spawn_with(&[(
        "BRIGADE_SERVER__CORS_ALLOWED_ORIGINS",
        "https://app.example.com, https://admin.example.com",
    )])
    .await
}

#[actix_web::test]
async fn allowed_origins_get_cors_headers_and_others_do_not() {
    let app = with_cors().await;
    let preflight = app
        .send(
            "OPTIONS",
            "/v1/orders",
            None,
            &[
                ("Origin", APP_ORIGIN),
                ("Access-Control-Request-Method", "POST"),
                (
                    "Access-Control-Request-Headers",
                    "authorization, idempotency-key",
                ),
            ],
            None,
        )
        .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.header("access-control-allow-origin").as_deref(),
        Some(APP_ORIGIN)
    );
    let allowed = preflight
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("idempotency-key"), "{allowed}");

    let simple = app
        .send("GET", "/v1/menu", None, &[("Origin", APP_ORIGIN)], None)
        .await;
    assert_eq!(simple.status, 200);
    assert_eq!(
        simple.header("access-control-allow-origin").as_deref(),
        Some(APP_ORIGIN)
    );
    // Browser apps read these; CORS hides every header it is not told to expose.
    let exposed = simple
        .header("access-control-expose-headers")
        .unwrap()
        .to_lowercase();
    for header in [
        "etag",
        "location",
        "ratelimit",
        "ratelimit-policy",
        "retry-after",
        "idempotent-replayed",
        "x-request-id",
    ] {
        assert!(
            exposed.split(',').any(|h| h.trim() == header),
            "{header} not in {exposed}"
        );
    }

    // A preflight from another origin is refused, as problem+json like every error.
    let refused = app
        .send(
            "OPTIONS",
            "/v1/orders",
            None,
            &[
                ("Origin", "https://evil.example"),
                ("Access-Control-Request-Method", "POST"),
            ],
            None,
        )
        .await;
    assert!(refused.status >= 400, "{}", refused.status);
    refused.problem(refused.status);

    // Another origin is never reflected, and never gets `*`.
    let evil = app
        .send(
            "GET",
            "/v1/menu",
            None,
            &[("Origin", "https://evil.example")],
            None,
        )
        .await;
    assert_eq!(evil.status, 200);
    assert_eq!(evil.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn without_configured_origins_nobody_gets_cross_origin_access() {
    let app = TestApp::spawn().await;
    let res = app
        .send("GET", "/v1/menu", None, &[("Origin", APP_ORIGIN)], None)
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn responses_are_compressed_as_the_client_asks() {
    let app = TestApp::spawn().await;
    app.load_demo().await;
    for (accept, expected) in [
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let res = app
            .send(
                "GET",
                "/v1/menu",
                None,
                &[("Accept-Encoding", accept)],
                None,
            )
            .await;
        assert_eq!(res.status, 200);
        assert_eq!(
            res.header("content-encoding").as_deref(),
            expected,
            "{accept}"
        );
        if expected.is_some() {
            assert!(res.raw.len() < 8_000, "{accept}: {} bytes", res.raw.len());
        }
    }
}

#[actix_web::test]
async fn a_client_that_stalls_mid_request_is_dropped() {
    let app = TestApp::spawn_with(&[("BRIGADE_SERVER__CLIENT_REQUEST_TIMEOUT_MS", "300")]).await;
    let addr = app.address.trim_start_matches("http://").to_owned();
    let answer = actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let mut buf = Vec::new();
        let _ = stream.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
}

#[actix_web::test]
async fn a_body_that_never_finishes_is_dropped_with_408() {
    let app = TestApp::spawn_with(&[("BRIGADE_SERVER__CLIENT_BODY_TIMEOUT_MS", "300")]).await;
    let addr = app.address.trim_start_matches("http://").to_owned();
    let (answer, took) = actix_web::rt::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        // The head promises 100 bytes; only 10 ever come.
        stream
            .write_all(
                b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\": ",
            )
            .unwrap();
        let mut buf = Vec::new();
        let _ = stream.read_to_end(&mut buf);
        (String::from_utf8_lossy(&buf).into_owned(), started.elapsed())
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(answer.contains("application/problem+json"), "{answer:?}");
    // read_to_end returned: the server closed the connection rather than wait on.
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[actix_web::test]
async fn oversized_request_headers_get_431() {
    let app = TestApp::spawn_with(&[("BRIGADE_SERVER__MAX_HEADER_BYTES", "4096")]).await;
    let big = "x".repeat(5000);
    let res = app
        .send("GET", "/v1/menu", None, &[("X-Filler", &big)], None)
        .await;
    assert!(
        res.problem(431)["detail"]
            .as_str()
            .unwrap()
            .contains("at most 4096")
    );
    assert_eq!(
        res.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let fits = "x".repeat(3000);
    let ok = app
        .send("GET", "/v1/menu", None, &[("X-Filler", &fits)], None)
        .await;
    assert_eq!(ok.status, 200);
}
