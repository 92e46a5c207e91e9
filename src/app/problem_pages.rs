//! `/problems` and `/problems/<slug>`: the page each problem's `type` names, from the
//! catalogue in `platform::problem::catalog`.

use actix_web::{HttpResponse, ResponseError, web};

use crate::platform::problem::Problem;
use crate::platform::problem::catalog::{self, ProblemType};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/problems", web::get().to(index))
        .route("/problems/{slug}", web::get().to(page));
}

/// Text to put in HTML: the catalogue is ours, but escape anyway.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `backticks` as code.
fn prose(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect()
}

fn html(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .insert_header(("Content-Security-Policy", "default-src 'none'"))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\">\
             <title>{title} — Brigade problems</title></head><body>{body}</body></html>"
        ))
}

fn section(t: &ProblemType) -> String {
    format!(
        "<h1>{title}</h1><p><code>type</code>: <code>https://brigade.dev/problems/{slug}</code> \
         · status {status}</p><p>{about}</p>",
        title = escape(t.title),
        slug = t.slug,
        status = t.status,
        about = prose(t.about),
    )
}

async fn index() -> HttpResponse {
    let items: String = catalog::TYPES
        .iter()
        .map(|t| {
            format!(
                "<li><a href=\"/problems/{slug}\">{slug}</a> ({status}): {title}</li>",
                slug = t.slug,
                status = t.status,
                title = escape(t.title)
            )
        })
        .collect();
    html(
        "Problem types",
        &format!(
            "<h1>Problem types</h1><p>Every error is <code>application/problem+json</code> \
             (RFC 9457) with one of these types and a machine <code>code</code>.</p><ul>{items}</ul>"
        ),
    )
}

async fn page(slug: web::Path<String>) -> HttpResponse {
    match catalog::find(&slug) {
        Some(t) => html(t.title, &section(t)),
        None => {
            Problem::not_found(format!("no problem type {slug:?}; see /problems")).error_response()
        }
    }
}
