//! The parts of the OpenAPI document that are not tied to one operation: info, tags, the
//! bearer security scheme, and YAML rendering.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

pub const BEARER: &str = "bearer";
/// The same access token, of an account with the admin role: `/v1/admin/...` operations
/// require it, so the document tells operator operations apart from everyone else's.
pub const ADMIN: &str = "admin";
/// API keys (`POST /v1/api-keys`), as `X-API-Key` or as a bearer token; each operation open
/// to keys lists the scope it needs under this scheme.
pub const API_KEY: &str = "api_key";

/// One tag per module, plus `operations` for health endpoints.
pub const TAGS: &[(&str, &str)] = &[
    ("identity", "Accounts, sign-in, tokens and roles."),
    (
        "venues",
        "Venues: time zone, opening hours, exceptions, busy and paused.",
    ),
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
                .description(Some(
                    "An access token from POST /v1/auth/login: a JWT signed with HS256 by \
                     Brigade itself, following RFC8725 (JWT best current practices): the \
                     algorithm is fixed and checked, `exp` is short (15 minutes by default) \
                     and required, and every token is checked against its live session.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        ADMIN,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "An access token (as for `bearer`, following RFC8725) of an account with the admin \
                     role; operator operations under /v1/admin require it.",
                ))
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

/// A list of strings, bounded in length and in each item: what `#[schema(schema_with = ...)]`
/// helpers of request fields return (utoipa has no attribute for an item's bounds).
pub fn string_list(
    min_items: usize,
    max_items: usize,
    max_length: usize,
    pattern: Option<&str>,
) -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(max_length))
                .pattern(pattern),
        )
        .min_items(Some(min_items))
        .max_items(Some(max_items))
        .build()
}

/// A list of at most `max_items` ids, each 1 to 64 characters.
pub fn id_list(max_items: usize) -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64)),
        )
        .max_items(Some(max_items))
        .build()
}

/// [`id_list`], or `null`.
pub fn nullable_id_list(max_items: usize) -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{SchemaType, Type};
    let mut list = id_list(max_items);
    list.schema_type = SchemaType::from_iter([Type::Array, Type::Null]);
    list
}

/// Moves an operator operation's bearer requirement to the admin scheme.
pub fn admin_only(operation: &mut serde_json::Value) {
    for requirement in operation
        .get_mut("security")
        .and_then(serde_json::Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(map) = requirement.as_object_mut()
            && let Some(scopes) = map.remove(BEARER)
        {
            map.insert(ADMIN.to_owned(), scopes);
        }
    }
}

pub fn to_yaml(doc: &OpenApi) -> String {
    let yaml = doc
        .to_yaml()
        .expect("the OpenAPI document always serialises");
    quote_sexagesimal(&sort_extensions(&yaml))
}

/// YAML 1.1 readers (PyYAML, many tools) read a plain `18:00` as the base-60 number 1080,
/// though YAML 1.2 (which the document is) reads a string: such values are quoted, so the
/// times in examples stay times whatever reads them.
fn quote_sexagesimal(yaml: &str) -> String {
    let base_60 = |v: &str| {
        let mut parts = v.split(':');
        let head = parts.next().unwrap_or_default();
        let rest: Vec<&str> = parts.collect();
        !rest.is_empty()
            && head.starts_with(|c: char| ('1'..='9').contains(&c))
            && head.chars().all(|c| c.is_ascii_digit())
            && rest.iter().all(|p| {
                (1..=2).contains(&p.len())
                    && p.chars().all(|c| c.is_ascii_digit())
                    && p.parse::<u8>().is_ok_and(|n| n < 60)
            })
    };
    let mut out = String::with_capacity(yaml.len() + 64);
    for line in yaml.lines() {
        let split = line.rfind(": ").map(|at| at + 2).or_else(|| {
            line.trim_start()
                .starts_with("- ")
                .then(|| line.find("- ").unwrap_or(0) + 2)
        });
        match split {
            Some(at) if base_60(&line[at..]) => {
                out.push_str(&line[..at]);
                out.push('\'');
                out.push_str(&line[at..]);
                out.push('\'');
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// utoipa keeps an object's `x-` extensions in a hash map, so two on one object would come
/// out in any order: each run of adjacent one-line extensions is sorted, keeping the
/// committed document stable.
fn sort_extensions(yaml: &str) -> String {
    let is_extension = |line: &str| {
        let key = line.trim_start();
        key.starts_with("x-") && key.split_once(": ").is_some_and(|(_, v)| !v.is_empty())
    };
    let indent = |line: &str| line.len() - line.trim_start().len();
    let lines: Vec<&str> = yaml.lines().collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let mut end = i;
        while end < lines.len()
            && is_extension(lines[end])
            && indent(lines[end]) == indent(lines[i])
        {
            end += 1;
        }
        if end > i {
            let mut run = lines[i..end].to_vec();
            run.sort_unstable();
            out.extend(run);
            i = end;
        } else {
            out.push(lines[i]);
            i += 1;
        }
    }
    let mut text = out.join("\n");
    if yaml.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod yaml_tests {
    #[test]
    fn adjacent_extensions_come_out_sorted() {
        let yaml = "get:\n  x-visibility: public\n  x-idempotency: gateway\n  summary: s\n";
        assert_eq!(
            super::sort_extensions(yaml),
            "get:\n  x-idempotency: gateway\n  x-visibility: public\n  summary: s\n"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::quote_sexagesimal;

    #[test]
    fn times_that_yaml_1_1_reads_as_numbers_are_quoted() {
        let yaml =
            "closes: 18:00\nopens: 07:00\n- 12:30:15\nat: 2026-12-03T18:00:00Z\nport: 8080\n";
        assert_eq!(
            quote_sexagesimal(yaml),
            "closes: '18:00'\nopens: 07:00\n- '12:30:15'\nat: 2026-12-03T18:00:00Z\nport: 8080\n"
        );
    }
}
