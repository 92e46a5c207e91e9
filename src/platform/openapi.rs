//! The parts of the OpenAPI document that are not tied to one operation: info, tags, the
//! bearer security scheme, and YAML rendering.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

pub const BEARER: &str = "bearer";
/// API keys (`POST /v1/api-keys`), as `X-API-Key` or as a bearer token; each operation open
/// to keys lists the scope it needs under this scheme.
pub const API_KEY: &str = "api_key";

/// One tag per module, plus `operations` for health endpoints.
pub const TAGS: &[(&str, &str)] = &[
    ("identity", "Accounts, sign-in, tokens and roles."),
    (
        "catalog",
        "The menu: categories, items, options and availability.",
    ),
    (
        "ordering",
        "Orders: placing, following and cancelling them.",
    ),
    ("payments", "Paying for orders, and refunds."),
    ("kitchen", "Tickets at the kitchen's stations."),
    ("delivery", "Couriers' deliveries and public tracking."),
    (
        "webhooks",
        "Partner endpoints that receive Brigade's events, signed per Standard Webhooks.",
    ),
    (
        "governance",
        "Usage reports, the API inventory and the audit trail, for operators.",
    ),
    (
        "operations",
        "Liveness and readiness probes, and event delivery for operators.",
    ),
];

pub fn base() -> OpenApi {
    let mut doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Brigade API")
                .version(env!("CARGO_PKG_VERSION"))
                .license(Some(
                    utoipa::openapi::LicenseBuilder::new()
                        .name("Apache-2.0")
                        .identifier(Some("Apache-2.0"))
                        .build(),
                ))
                .description(Some(
                    "Ordering backend for cafés and restaurants. Errors are RFC 9457 \
                     problem+json; lists use cursor pagination; see docs/api-design.md.",
                ))
                .build(),
        )
        .servers(Some(vec![
            utoipa::openapi::server::ServerBuilder::new()
                .url("http://127.0.0.1:8080")
                .description(Some("A local Brigade (`brigade serve`); use your own host"))
                .build(),
        ]))
        .tags(Some(
            TAGS.iter()
                .map(|(name, description)| {
                    TagBuilder::new()
                        .name(*name)
                        .description(Some(*description))
                        .build()
                })
                .collect::<Vec<_>>(),
        ))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("An access token from POST /v1/auth/login."))
                .build(),
        ),
    );
    components.add_security_scheme(
        API_KEY,
        SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
            utoipa::openapi::security::ApiKeyValue::with_description(
                "X-API-Key",
                "An API key from POST /v1/api-keys (also accepted as `Authorization: Bearer`). \
                 Never in the query string.",
            ),
        )),
    );
    doc
}

pub fn to_yaml(doc: &OpenApi) -> String {
    doc.to_yaml()
        .expect("the OpenAPI document always serialises")
}
