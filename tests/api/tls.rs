//! HTTPS with rustls when a certificate and key are configured.

use std::process::Command;

use crate::support::TestApp;

/// A self-signed certificate for `localhost`, made by the `openssl` command line.
fn self_signed(dir: &std::path::Path) -> (String, String) {
    let cert = dir.join("cert.pem").display().to_string();
    let key = dir.join("key.pem").display().to_string();
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost"])
        .args(["-keyout", &key, "-out", &cert])
        .output()
        .expect("openssl runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (cert, key)
}

fn curl(args: &[&str]) -> (bool, String) {
    let out = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "10"])
        .args(args)
        .output()
        .expect("curl runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[actix_web::test]
async fn with_a_certificate_brigade_speaks_https_only() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path());
    let app = TestApp::spawn_with(&[
        ("BRIGADE_SERVER__TLS_CERT_PATH", &cert),
        ("BRIGADE_SERVER__TLS_KEY_PATH", &key),
    ])
    .await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let https = format!("https://localhost:{port}/healthz");
    let (ok, out) = actix_web::rt::task::spawn_blocking(move || {
        curl(&[
            "--cacert",
            &cert,
            "--resolve",
            &format!("localhost:{port}:127.0.0.1"),
            &https,
        ])
    })
    .await
    .unwrap();
    assert!(ok, "{out}");
    assert!(out.contains("\"status\""), "{out}");

    // Plain HTTP on the TLS port gets no answer.
    let plain = format!("{}/healthz", app.address);
    let (ok, _) = actix_web::rt::task::spawn_blocking(move || curl(&[&plain]))
        .await
        .unwrap();
    assert!(!ok, "plain HTTP must not be served on the TLS port");
}

#[actix_web::test]
async fn a_missing_or_mismatched_key_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, _) = self_signed(dir.path());
    let url = format!("sqlite://{}", dir.path().join("b.db").display());
    let missing = crate::support::test_settings_with(
        &url,
        &[
            ("BRIGADE_SERVER__TLS_CERT_PATH", &cert),
            ("BRIGADE_SERVER__TLS_KEY_PATH", "/nonexistent/key.pem"),
        ],
    );
    let err = brigade::app::Application::build(missing)
        .await
        .err()
        .expect("start-up fails");
    assert!(err.to_string().contains("key.pem"), "{err}");
    let only_cert = brigade::app::Settings::load_from(
        None,
        vec![("BRIGADE_SERVER__TLS_CERT_PATH".into(), cert)],
    );
    assert!(only_cert.is_err());
}
