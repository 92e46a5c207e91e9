//! The contract's operations by path, matched by path segments: which module serves a
//! request, the route pattern it matches, and the methods a path takes.
//!
//! actix tries routes one after another and matches each route with a parameter by running
//! its regex; a request to the fourth module ran some twenty of them before its own (6.5% of
//! a `GET /v1/orders/{id}`'s CPU). Each module's routes sit in a scope of their own, without
//! a prefix (the paths stay as the contract has them), guarded by [`served_by`]: a scope the
//! request is not for costs one look at the request's extensions.
//!
//! The same table gives a request's route pattern before routing (see `route`): actix's own
//! lookup then stops at the first of these scopes, which matches every path. And it gives
//! the fallback the methods a path takes, for its 405's `Allow`.
//!
//! The operations sit in a tree of path segments, so a lookup costs a map lookup per segment
//! however many operations the contract has: comparing the path with every operation of as
//! many segments, twice a request (its pattern, its owner), was 7 % of a `GET
//! /v1/orders/{id}`'s CPU.
//!
//! The owner of an operation is its OpenAPI tag, the module's name (a test checks each
//! module's routes carry it). A request no operation matches has no owner: every module's
//! scope is passed over, as each of their routes would have been, and what comes after
//! answers (other routes, then the fallback's 404 or 405).

use std::borrow::Cow;
use std::collections::HashMap;

use actix_web::dev::Url;
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::Uri;
use actix_web::web;
use utoipa::openapi::OpenApi;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// Every operation of the contract: `(METHOD, path pattern)` and the module it belongs to.
#[derive(Debug, Default)]
pub struct ContractPaths {
    /// In the order of the document.
    operations: Vec<Operation>,
    /// The operations by their paths' segments.
    tree: Segment,
    modules: Vec<String>,
}

#[derive(Debug)]
struct Operation {
    method: String,
    pattern: String,
    /// `None` for an operation without a tag.
    module: Option<usize>,
}

/// Where a path's segments lead: the segments that may follow, and the operations of the
/// paths that end here.
#[derive(Debug, Default)]
struct Segment {
    literals: HashMap<String, Segment>,
    /// A `{parameter}`: what actix's `[^/]+` takes, a whole segment, never an empty one.
    parameter: Option<Box<Segment>>,
    /// Indexes into `operations`.
    operations: Vec<usize>,
}

impl Segment {
    /// Adds to `found` the operations of every path `parts` matches.
    fn find(&self, parts: &[&str], found: &mut Vec<usize>) {
        let Some((part, rest)) = parts.split_first() else {
            found.extend_from_slice(&self.operations);
            return;
        };
        if let Some(literal) = self.literals.get(*part) {
            literal.find(rest, found);
        }
        if let Some(parameter) = &self.parameter
            && !part.is_empty()
        {
            parameter.find(rest, found);
        }
    }
}

/// The owner found for this request, kept in its extensions.
#[derive(Clone, Copy)]
struct Owner(Option<usize>);

impl ContractPaths {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let mut paths = Self::default();
        let value = serde_json::to_value(doc).unwrap_or_default();
        for (path, item) in value["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if METHODS.contains(&method.as_str()) {
                    paths.add(method, path, op["tags"][0].as_str());
                }
            }
        }
        paths
    }

    fn add(&mut self, method: &str, pattern: &str, module: Option<&str>) {
        let module = module.map(|module| match self.module_index(module) {
            Some(known) => known,
            None => {
                self.modules.push(module.to_owned());
                self.modules.len() - 1
            }
        });
        let mut at = &mut self.tree;
        for segment in pattern.split('/') {
            at = if segment.starts_with('{') && segment.ends_with('}') {
                at.parameter.get_or_insert_default()
            } else {
                at.literals.entry(segment.to_owned()).or_default()
            };
        }
        at.operations.push(self.operations.len());
        self.operations.push(Operation {
            method: method.to_ascii_uppercase(),
            pattern: pattern.to_owned(),
            module,
        });
    }

    /// The module with an operation `method` on `path` (as routing sees it, percent-decoded).
    pub fn owner(&self, method: &str, path: &str) -> Option<&str> {
        self.owner_index(method, path)
            .map(|i| self.modules[i].as_str())
    }

    /// The pattern of the operations at `path`, whatever their method (no two patterns of
    /// the contract match one path).
    pub fn pattern(&self, path: &str) -> Option<&str> {
        self.at(path).next().map(|op| op.pattern.as_str())
    }

    /// The methods `path` takes, sorted (`HEAD` wherever `GET` is); `None` when no operation
    /// is at `path`.
    pub fn allowed(&self, path: &str) -> Option<Vec<&str>> {
        let mut methods: Vec<&str> = Vec::new();
        for op in self.at(path) {
            methods.push(&op.method);
            if op.method == "GET" {
                methods.push("HEAD");
            }
        }
        methods.sort_unstable();
        methods.dedup();
        (!methods.is_empty()).then_some(methods)
    }

    fn owner_index(&self, method: &str, path: &str) -> Option<usize> {
        self.at(path).find(|op| op.method == method)?.module
    }

    /// The operations at `path`, in the order of the document.
    fn at<'s>(&'s self, path: &str) -> impl Iterator<Item = &'s Operation> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut found = Vec::new();
        self.tree.find(&parts, &mut found);
        found.sort_unstable();
        found.into_iter().map(|i| &self.operations[i])
    }

    fn module_index(&self, module: &str) -> Option<usize> {
        self.modules.iter().position(|m| m == module)
    }
}

/// Passes the requests whose operation belongs to `module`.
pub fn served_by(module: &'static str) -> impl Guard {
    actix_web::guard::fn_guard(move |ctx| {
        let Some(paths) = ctx.app_data::<web::Data<ContractPaths>>() else {
            // Without the table (a test's bare app), every module's routes are tried.
            return true;
        };
        owner_of(ctx, paths).is_some_and(|owner| paths.modules[owner] == module)
    })
}

fn owner_of(ctx: &GuardContext<'_>, paths: &ContractPaths) -> Option<usize> {
    if let Some(Owner(known)) = ctx.req_data().get::<Owner>() {
        return *known;
    }
    let head = ctx.head();
    let owner = paths.owner_index(head.method.as_str(), &routed_path(&head.uri));
    ctx.req_data_mut().insert(Owner(owner));
    owner
}

/// The path as routing matches it: with what percent-encoding it can undo undone.
pub fn routed_path(uri: &Uri) -> Cow<'_, str> {
    let path = uri.path();
    if path.contains('%') {
        Cow::Owned(Url::new(uri.clone()).path().to_owned())
    } else {
        Cow::Borrowed(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> ContractPaths {
        let mut paths = ContractPaths::default();
        paths.add("get", "/v1/orders/{id}", Some("ordering"));
        paths.add("post", "/v1/orders/{id}/pay", Some("payments"));
        paths.add("get", "/v1/venues/{id}", Some("venues"));
        paths.add("patch", "/v1/venues/{id}", Some("venues"));
        paths.add("get", "/v1/venues/{id}/menu", Some("catalog"));
        paths.add("get", "/v1/me", Some("identity"));
        paths.add("delete", "/v1/untagged", None);
        paths
    }

    #[test]
    fn a_request_belongs_to_the_module_of_the_operation_it_matches() {
        let paths = paths();
        assert_eq!(paths.owner("GET", "/v1/orders/ord_1"), Some("ordering"));
        assert_eq!(
            paths.owner("POST", "/v1/orders/ord_1/pay"),
            Some("payments")
        );
        assert_eq!(paths.owner("GET", "/v1/venues/ven_1/menu"), Some("catalog"));
        assert_eq!(paths.owner("GET", "/v1/venues/ven_1"), Some("venues"));
        assert_eq!(paths.owner("GET", "/v1/me"), Some("identity"));
        assert_eq!(
            paths.pattern("/v1/orders/ord_1/pay"),
            Some("/v1/orders/{id}/pay")
        );
        assert_eq!(paths.pattern("/v1/orders/ord_1"), Some("/v1/orders/{id}"));
    }

    #[test]
    fn a_request_no_operation_matches_has_no_owner() {
        let paths = paths();
        for (method, path) in [
            ("POST", "/v1/orders/ord_1"),
            ("GET", "/v1/orders/"),
            ("GET", "/v1/orders/ord_1/"),
            ("POST", "/v1/orders//pay"),
            ("GET", "/v1/me/"),
            ("GET", "/v1/orders"),
            ("GET", "/v2/me"),
            ("DELETE", "/v1/untagged"),
        ] {
            assert_eq!(paths.owner(method, path), None, "{method} {path}");
            if method == "GET" && path != "/v1/orders/ord_1" {
                assert_eq!(paths.pattern(path), None, "{path}");
            }
        }
    }

    #[test]
    fn where_a_literal_and_a_parameter_both_match_the_document_order_decides() {
        let mut paths = ContractPaths::default();
        paths.add("get", "/v1/things/{id}", Some("things"));
        paths.add("post", "/v1/things/mine", Some("mine"));
        paths.add("get", "/v1/things/{id}/parts/{part}", Some("parts"));
        paths.add("get", "/v1/{kind}/mine/parts/first", Some("firsts"));
        assert_eq!(paths.pattern("/v1/things/mine"), Some("/v1/things/{id}"));
        assert_eq!(
            paths.allowed("/v1/things/mine"),
            Some(vec!["GET", "HEAD", "POST"])
        );
        assert_eq!(paths.owner("POST", "/v1/things/mine"), Some("mine"));
        assert_eq!(paths.owner("GET", "/v1/things/mine"), Some("things"));
        assert_eq!(
            paths.pattern("/v1/things/mine/parts/first"),
            Some("/v1/things/{id}/parts/{part}")
        );
        assert_eq!(
            paths.owner("GET", "/v1/stuff/mine/parts/first"),
            Some("firsts")
        );
        assert_eq!(paths.pattern("/v1/things/mine/parts"), None);
    }

    #[test]
    fn a_path_takes_the_methods_of_its_operations_and_head_wherever_get() {
        let paths = paths();
        assert_eq!(paths.allowed("/v1/me"), Some(vec!["GET", "HEAD"]));
        assert_eq!(
            paths.allowed("/v1/venues/ven_1"),
            Some(vec!["GET", "HEAD", "PATCH"])
        );
        assert_eq!(paths.allowed("/v1/orders/ord_1/pay"), Some(vec!["POST"]));
        assert_eq!(paths.allowed("/v1/untagged"), Some(vec!["DELETE"]));
        // A trailing slash makes another path, as it does for routing.
        for nowhere in [
            "/v1/me/",
            "/v1/orders",
            "/v1/orders//pay",
            "/v1/nothing/here",
        ] {
            assert_eq!(paths.allowed(nowhere), None, "{nowhere}");
        }
    }
}
