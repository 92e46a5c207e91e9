//! `/admin`: the operator dashboard, a static page shipped inside the binary (no CDN) that
//! signs in as an admin and reads the admin API: inventory, usage charts, outbox health.

use actix_web::{HttpResponse, web};

const INDEX: &str = include_str!("index.html");
const SCRIPT: &str = include_str!("app.js");
const STYLE: &str = include_str!("style.css");

/// Only this origin's own scripts, styles and API calls; never framed.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

fn asset(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Security-Policy", POLICY))
        // Revalidated each time (ETag), so an upgrade is seen at once.
        .insert_header(("Cache-Control", "no-cache"))
        .body(body)
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin",
        web::get().to(|| async { asset("text/html; charset=utf-8", INDEX) }),
    )
    .route(
        "/admin/app.js",
        web::get().to(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
    )
    .route(
        "/admin/style.css",
        web::get().to(|| async { asset("text/css; charset=utf-8", STYLE) }),
    );
}
