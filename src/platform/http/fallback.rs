//! What answers when no route matched: 405 with `Allow` when the path exists under another
//! method, 404 otherwise. The table of paths is read from the OpenAPI document, so it cannot
//! drift from the routes.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::platform::problem::Problem;

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Param,
}

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut routes = Vec::new();
        for (path, item) in doc.paths.paths.iter() {
            let segments = split(path)
                .map(|s| {
                    if s.starts_with('{') && s.ends_with('}') {
                        Segment::Param
                    } else {
                        Segment::Literal(s.to_owned())
                    }
                })
                .collect();
            let value = serde_json::to_value(item).unwrap_or_default();
            let mut methods: Vec<String> = value
                .as_object()
                .map(|o| {
                    o.keys()
                        .filter(|k| {
                            matches!(
                                k.as_str(),
                                "get" | "put" | "post" | "delete" | "patch" | "head" | "options"
                            )
                        })
                        .map(|k| k.to_ascii_uppercase())
                        .collect()
                })
                .unwrap_or_default();
            if methods.iter().any(|m| m == "GET") {
                methods.push("HEAD".into());
            }
            methods.sort();
            routes.push((segments, methods));
        }
        Self { routes }
    }

    /// Methods the path supports, or `None` when no route has this path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = split(path).collect();
        let mut allowed: Vec<String> = self
            .routes
            .iter()
            .filter(|(segments, _)| {
                segments.len() == parts.len()
                    && segments.iter().zip(&parts).all(|(s, p)| match s {
                        Segment::Param => !p.is_empty(),
                        Segment::Literal(l) => l == p,
                    })
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        if allowed.is_empty() {
            return None;
        }
        allowed.sort();
        allowed.dedup();
        Some(allowed)
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_end_matches('/').split('/').skip(1)
}

pub async fn handler(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    let problem = match table.allowed(req.path()) {
        Some(methods) => Problem::method_not_allowed(&methods.join(", ")),
        None => Problem::not_found(format!("no resource at {}", req.path())),
    };
    problem.error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable {
            routes: vec![
                (
                    vec![Segment::Literal("v1".into()), Segment::Literal("me".into())],
                    vec!["GET".into(), "PATCH".into()],
                ),
                (
                    vec![
                        Segment::Literal("v1".into()),
                        Segment::Literal("items".into()),
                        Segment::Param,
                    ],
                    vec!["GET".into()],
                ),
            ],
        }
    }

    #[test]
    fn matches_templates() {
        assert_eq!(table().allowed("/v1/me").unwrap(), vec!["GET", "PATCH"]);
        // (HEAD is added when the table is read from an OpenAPI document.)
        assert_eq!(table().allowed("/v1/items/abc").unwrap(), vec!["GET"]);
        assert!(table().allowed("/v1/items").is_none());
        assert!(table().allowed("/v1/nothing/here").is_none());
    }
}
