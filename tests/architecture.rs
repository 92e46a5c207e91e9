//! The module structure is the product: this test fails when a module reaches past another
//! module's `api`, uses a dependency it has not declared, or the declared graph has a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use brigade::modules::dependencies;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn module_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(Path::new(ROOT).join("src/modules"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            p.is_dir()
                .then(|| p.file_name().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
}

/// Every `modules::<module>::<item>` path in `source`, braces expanded, comments dropped.
fn module_paths(source: &str) -> Vec<(String, String)> {
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect();
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("modules::") {
        rest = &rest[at + "modules::".len()..];
        for path in expand(rest) {
            let mut segments = path.split("::");
            let module = segments.next().unwrap_or("").to_owned();
            let item = segments.next().unwrap_or("").to_owned();
            if !module.is_empty() {
                out.push((module, item));
            }
        }
    }
    out
}

/// The paths that start at the front of `s`: one, or several for a `{a::b, c}` group.
fn expand(s: &str) -> Vec<String> {
    let ident_end = |s: &str| {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '*'))
            .unwrap_or(s.len())
    };
    if let Some(inner) = s.strip_prefix('{') {
        let mut depth = 1;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        split_top_level(&inner[..end])
            .into_iter()
            .map(|p| {
                let p = p.trim();
                let end = ident_end(p);
                p[..end].to_owned()
            })
            .collect()
    } else {
        vec![s[..ident_end(s)].to_owned()]
    }
}

fn split_top_level(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

#[test]
fn the_scanner_catches_what_it_must() {
    let bad = "use crate::modules::catalog::store::ItemRow;\n\
               use crate::modules::{identity::api::Role, catalog::domain};\n\
               // crate::modules::catalog::http is only mentioned in a comment\n";
    let found = module_paths(bad);
    assert!(found.contains(&("catalog".into(), "store".into())));
    assert!(found.contains(&("identity".into(), "api".into())));
    assert!(found.contains(&("catalog".into(), "domain".into())));
    assert!(!found.contains(&("catalog".into(), "http".into())));
}

#[test]
fn every_module_is_declared_and_exposes_only_its_api() {
    let declared: BTreeSet<&str> = dependencies().iter().map(|(m, _)| *m).collect();
    for module in module_names() {
        assert!(
            declared.contains(module.as_str()),
            "{module} is missing from modules::all()"
        );
        let root = Path::new(ROOT).join("src/modules").join(&module);
        let mod_rs = fs::read_to_string(root.join("mod.rs")).unwrap();
        assert!(
            mod_rs.contains("pub mod api;"),
            "{module} must expose `pub mod api;`"
        );
        for line in mod_rs.lines().map(str::trim) {
            if line.starts_with("pub mod ") {
                assert_eq!(
                    line, "pub mod api;",
                    "{module} may publish only its api: `{line}`"
                );
            }
            assert!(
                !line.starts_with("pub use"),
                "{module} re-exports internals: `{line}`"
            );
        }
        // Nothing under the module but its api and its wiring functions is `pub` at the
        // module's top level; inner `pub` items stay unreachable behind private `mod`s.
    }
}

#[test]
fn modules_reach_each_other_only_through_declared_apis() {
    let declared: BTreeMap<&str, BTreeSet<&str>> = dependencies()
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect();
    let mut violations = Vec::new();
    for module in module_names() {
        let dir = Path::new(ROOT).join("src/modules").join(&module);
        for file in rust_files(&dir) {
            let source = fs::read_to_string(&file).unwrap();
            for (other, item) in module_paths(&source) {
                if other == module {
                    continue;
                }
                let shown = file.strip_prefix(ROOT).unwrap().display();
                if item != "api" {
                    violations.push(format!(
                        "{shown}: uses modules::{other}::{item} (not its api)"
                    ));
                }
                if !declared[module.as_str()].contains(other.as_str()) {
                    violations.push(format!("{shown}: uses {other} without declaring it"));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn only_the_composition_root_wires_modules_and_the_platform_knows_none() {
    let mut violations = Vec::new();
    for file in rust_files(&Path::new(ROOT).join("src")) {
        let rel = file
            .strip_prefix(ROOT)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let source = fs::read_to_string(&file).unwrap();
        let paths = module_paths(&source);
        if rel.starts_with("src/platform/") && !paths.is_empty() {
            violations.push(format!("{rel}: platform code names a business module"));
        }
        let in_root = rel.starts_with("src/app/") || rel.starts_with("src/modules/");
        for (module, item) in paths {
            if !in_root && item != "api" {
                violations.push(format!(
                    "{rel}: uses modules::{module}::{item} outside the composition root"
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_module_graph_passes_the_start_up_check() {
    // Every name known, every consumed event type published by its producer, no cycle.
    brigade::app::check_graph().unwrap();
}

/// The design's promise: any module can move into a process of its own by configuration.
/// Its `api/remote.rs` declares its calls for the wire; the compiler then checks that the
/// client implements every method of its trait.
#[test]
fn every_module_can_run_in_a_process_of_its_own() {
    for module in brigade::modules::all() {
        let name = module.descriptor.name;
        let remote = module.remote.unwrap_or_else(|| {
            panic!("{name} declares no remote_api!: it can only run in-process")
        });
        assert!(!remote.methods.is_empty(), "{name} serves no method");
    }
}

#[test]
fn the_declared_module_graph_is_acyclic() {
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if done.contains(node) {
            return;
        }
        assert!(
            !path.contains(&node),
            "cycle: {} -> {node}",
            path.join(" -> ")
        );
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(node);
    }
    let graph: BTreeMap<&str, Vec<&str>> = dependencies()
        .iter()
        .map(|(m, d)| (*m, d.to_vec()))
        .collect();
    for (dep_of, deps) in &graph {
        for d in deps {
            assert!(
                graph.contains_key(d),
                "{dep_of} depends on unknown module {d}"
            );
        }
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}

/// The code of `source` without comments, whitespace folded away.
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect()
}

/// The layers above modules and platform that `source` names: they may depend on modules and
/// platform, never the other way round.
fn upper_layers(source: &str) -> Vec<&'static str> {
    let code = code_of(source);
    ["crate::gateway", "crate::app"]
        .into_iter()
        .filter(|layer| {
            code.match_indices(layer).any(|(at, _)| {
                // `crate::application` is not `crate::app`.
                let next = code[at + layer.len()..].chars().next();
                !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .collect()
}

/// Whether `source`, a file `depth` modules below `src/modules` (`x/mod.rs` is 1,
/// `x/api/dto.rs` is 3), climbs out of its module with a chain of `super`s.
fn escapes_its_module(source: &str, depth: usize) -> bool {
    let code = code_of(source);
    let mut rest = code.as_str();
    while let Some(at) = rest.find("super::") {
        let mut chain = 0;
        let mut tail = &rest[at..];
        while let Some(more) = tail.strip_prefix("super::") {
            chain += 1;
            tail = more;
        }
        if chain >= depth {
            return true;
        }
        rest = tail;
    }
    false
}

/// What a module's `mod.rs` makes public besides its `api` and its wiring functions (which
/// return only api traits and platform types): any other `pub` item there is reachable from
/// outside the module.
fn public_beside_api(mod_rs: &str) -> Vec<String> {
    mod_rs
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("pub ") || l.starts_with("pub("))
        .filter(|l| {
            *l != "pub mod api;" && !l.starts_with("pub fn ") && !l.starts_with("pub(crate) fn ")
        })
        .map(str::to_owned)
        .collect()
}

fn depth_below_modules(file: &Path) -> usize {
    let rel = file
        .strip_prefix(Path::new(ROOT).join("src/modules"))
        .unwrap();
    let parts = rel.components().count();
    if rel.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

#[test]
fn the_layer_checks_catch_planted_violations() {
    assert_eq!(
        upper_layers("use crate::gateway::auth::Caller;\nuse crate::app::Modules;"),
        ["crate::gateway", "crate::app"]
    );
    assert!(
        upper_layers("// crate::gateway is only mentioned\nuse crate::application;").is_empty()
    );
    assert!(escapes_its_module("use super::super::catalog::store;", 2));
    assert!(escapes_its_module("use super::api::Thing;", 1));
    assert!(!escapes_its_module("use super::super::domain;", 3));
    assert!(!escapes_its_module("use super::*;", 2));
    assert_eq!(
        public_beside_api(
            "pub mod api;\nmod store;\npub struct Worker;\npub fn build() {}\npub use store::Row;"
        ),
        ["pub struct Worker;", "pub use store::Row;"]
    );
}

#[test]
fn modules_and_platform_never_reach_up_into_the_gateway_or_the_app() {
    let mut violations = Vec::new();
    for dir in ["src/modules", "src/platform"] {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let source = fs::read_to_string(&file).unwrap();
            for layer in upper_layers(&source) {
                let shown = file.strip_prefix(ROOT).unwrap().display();
                violations.push(format!("{shown}: names {layer}"));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn no_module_climbs_out_of_itself_or_publishes_beside_its_api() {
    let mut violations = Vec::new();
    for module in module_names() {
        let root = Path::new(ROOT).join("src/modules").join(&module);
        for file in rust_files(&root) {
            let source = fs::read_to_string(&file).unwrap();
            if escapes_its_module(&source, depth_below_modules(&file)) {
                let shown = file.strip_prefix(ROOT).unwrap().display();
                violations.push(format!("{shown}: `super::` climbs out of {module}"));
            }
        }
        let mod_rs = fs::read_to_string(root.join("mod.rs")).unwrap();
        for item in public_beside_api(&mod_rs) {
            violations.push(format!(
                "src/modules/{module}/mod.rs: `{item}` is public beside the api"
            ));
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// Whether handler code decides roles itself (`caller.require(...)`), which belongs in the
/// service so that a remote caller is checked too.
fn authorizes_in_handler(source: &str) -> bool {
    code_of(source).contains(".require(")
}

#[test]
fn handlers_leave_authorization_to_their_service() {
    assert!(authorizes_in_handler("let cook = caller.require(COOKS)?;"));
    assert!(!authorizes_in_handler(
        "// caller.require(COOKS) was here\nlet t = kitchen.tickets(&caller.0, f).await?;"
    ));
    let mut violations = Vec::new();
    for module in module_names() {
        let http = Path::new(ROOT)
            .join("src/modules")
            .join(&module)
            .join("http");
        for file in rust_files(&http) {
            if authorizes_in_handler(&fs::read_to_string(&file).unwrap()) {
                let shown = file.strip_prefix(ROOT).unwrap().display();
                violations.push(format!("{shown}: checks roles in a handler"));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// diesel's `eq_any`/`ne_all` over a list write one placeholder per value, so their statement
/// is parsed and planned on every call; `platform::db::one_of`/`none_of` bind the list as one
/// value and stay cached. A subquery (`eq_any(table::table…)`) is cached either way.
fn uncached_lists(source: &str) -> Vec<String> {
    let code = code_of(source);
    let mut found = Vec::new();
    for pattern in [".eq_any(", ".ne_all("] {
        for (at, _) in code.match_indices(pattern) {
            let argument = code[at + pattern.len()..].trim_start();
            // A subquery built by a macro (`narrowed!(orders::table…)`) is read inside it.
            let argument = match argument.split_once("!(") {
                Some((name, inside)) if name.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                    inside.trim_start()
                }
                _ => argument,
            };
            let subquery = argument
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .is_some_and(|path| path.ends_with("::table"));
            if !subquery {
                let shown: String = argument.chars().take(30).collect();
                found.push(format!("{pattern}{shown}"));
            }
        }
    }
    found
}

#[test]
fn stores_bind_lists_as_one_value() {
    assert_eq!(uncached_lists("q.filter(items::id.eq_any(&ids))").len(), 1);
    assert_eq!(uncached_lists("q.filter(s.ne_all([\"a\"]))").len(), 1);
    assert!(
        uncached_lists("q.filter(items::id.eq_any(tags::table.select(tags::item_id)))").is_empty()
    );
    assert!(
        uncached_lists("q.filter(items::id.eq_any(narrowed!(items::table.select(items::id))))")
            .is_empty()
    );
    assert_eq!(
        uncached_lists("q.filter(items::id.eq_any(ids!(a, b)))").len(),
        1
    );
    assert!(uncached_lists("// items::id.eq_any(&ids) was here").is_empty());
    let mut violations = Vec::new();
    for file in rust_files(&Path::new(ROOT).join("src")) {
        for found in uncached_lists(&fs::read_to_string(&file).unwrap()) {
            let shown = file.strip_prefix(ROOT).unwrap().display();
            violations.push(format!("{shown}: {found} (use platform::db::one_of)"));
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// A derived `Insertable` wraps every field in `Option` unless told that `None` means NULL,
/// and diesel never caches an insert that may write DEFAULT: PostgreSQL would parse and plan
/// each one. The rows that derive it whose `#[diesel(..)]` does not say so.
fn uncached_inserts(source: &str) -> Vec<String> {
    let lines: Vec<&str> = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if !(line.contains("derive(") && line.contains("Insertable")) {
            continue;
        }
        let attributes = lines[at + 1..]
            .iter()
            .take_while(|l| l.trim_start().starts_with("#["));
        let told = attributes
            .clone()
            .any(|l| l.contains("treat_none_as_default_value = false"));
        if !told {
            let row = lines[at + 1..]
                .iter()
                .find(|l| l.contains("struct "))
                .map_or("?", |l| l.trim());
            found.push(row.to_owned());
        }
    }
    found
}

#[test]
fn inserted_rows_write_null_for_none_so_their_statements_stay_cached() {
    let told = "#[derive(Insertable)]\n#[diesel(table_name = t, treat_none_as_default_value = false)]\npub struct Row {}";
    assert!(uncached_inserts(told).is_empty());
    let untold = "#[derive(Debug, Insertable)]\n#[diesel(table_name = t)]\npub struct Row {}";
    assert_eq!(uncached_inserts(untold), ["pub struct Row {}"]);
    let mut violations = Vec::new();
    for file in rust_files(&Path::new(ROOT).join("src")) {
        for row in uncached_inserts(&fs::read_to_string(&file).unwrap()) {
            let shown = file.strip_prefix(ROOT).unwrap().display();
            violations.push(format!(
                "{shown}: {row} (add treat_none_as_default_value = false to its #[diesel(..)])"
            ));
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// SQLite is built without automatic initialisation (`.cargo/config.toml`), so a connection
/// opened other than through `platform::db::establish_sqlite` would use it uninitialised.
fn sqlite_opened_directly(source: &str) -> bool {
    let code = code_of(source);
    code.contains("SqliteConnection::establish(") || code.contains("sqlite3_open")
}

#[test]
fn sqlite_is_opened_only_once_initialised() {
    assert!(sqlite_opened_directly(
        "let c = diesel::SqliteConnection::establish(\":memory:\");"
    ));
    assert!(!sqlite_opened_directly(
        "// SqliteConnection::establish( was here"
    ));
    let opener = Path::new(ROOT).join("src/platform/db/sqlite_library.rs");
    let mut violations = Vec::new();
    for dir in ["src", "tests", "bench"] {
        let dir = Path::new(ROOT).join(dir);
        if !dir.exists() {
            continue;
        }
        for file in rust_files(&dir) {
            if file != opener
                && !file.ends_with("architecture.rs")
                && sqlite_opened_directly(&fs::read_to_string(&file).unwrap())
            {
                let shown = file.strip_prefix(ROOT).unwrap().display();
                violations.push(format!("{shown} (use platform::db::establish_sqlite)"));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// The catalog's writes that do not raise its revision, counted in `source`: each transaction
/// it opens (`.db.write(`, or an event consumed) must call `store::raise_revision`, or a
/// process would price baskets with items it kept from before the change.
fn unraised_catalog_writes(source: &str) -> usize {
    let code = code_of(source);
    let opened = code.matches(".db.write(").count() + code.matches(".consume(").count();
    opened.saturating_sub(code.matches("store::raise_revision(").count())
}

#[test]
fn every_catalog_write_raises_the_catalog_revision() {
    let raised = "self.db\n .write(move |c| { work(c)?; store::raise_revision(c)?; Ok(()) })";
    assert_eq!(unraised_catalog_writes(raised), 0);
    let planted = format!("{raised}\nself.db.write(move |c| store::bring_back(c))");
    assert_eq!(unraised_catalog_writes(&planted), 1);
    let unraised: usize = rust_files(&Path::new(ROOT).join("src/modules/catalog"))
        .iter()
        .filter(|f| !f.starts_with(Path::new(ROOT).join("src/modules/catalog/store")))
        .map(|f| unraised_catalog_writes(&fs::read_to_string(f).unwrap()))
        .sum();
    assert_eq!(
        unraised, 0,
        "a catalog write outside CatalogService::write must call store::raise_revision"
    );
}

/// What a module folder holds that does not match the one layout every module shares:
/// `mod.rs`, `api/` (`mod.rs`, `dto.rs`, `error.rs`, `events.rs`), `domain/`, `store/`,
/// `http/`, `service.rs` (with its parts under `service/`).
fn layout_violations(entries: &BTreeSet<String>, api: &BTreeSet<String>) -> Vec<String> {
    const REQUIRED: &[&str] = &["mod.rs", "api", "domain", "store", "http", "service.rs"];
    const API: &[&str] = &["mod.rs", "dto.rs", "error.rs", "events.rs"];
    let mut wrong: Vec<String> = REQUIRED
        .iter()
        .filter(|e| !entries.contains(**e))
        .map(|e| format!("missing {e}"))
        .collect();
    wrong.extend(
        entries
            .iter()
            .filter(|e| !REQUIRED.contains(&e.as_str()) && e.as_str() != "service")
            .map(|e| {
                format!("unexpected {e} (its place is in api/, domain/, store/, http/ or service/)")
            }),
    );
    wrong.extend(
        API.iter()
            .filter(|e| !api.contains(**e))
            .map(|e| format!("missing api/{e}")),
    );
    wrong
}

fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_module_has_the_same_layout() {
    for module in module_names() {
        let root = Path::new(ROOT).join("src/modules").join(&module);
        let wrong = layout_violations(&entries(&root), &entries(&root.join("api")));
        assert!(wrong.is_empty(), "{module}: {wrong:?}");
    }
}

#[test]
fn the_layout_check_catches_a_planted_violation() {
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    let good = set(&[
        "mod.rs",
        "api",
        "domain",
        "store",
        "http",
        "service.rs",
        "service",
    ]);
    let api = set(&["mod.rs", "dto.rs", "error.rs", "events.rs"]);
    assert!(layout_violations(&good, &api).is_empty());
    let mut stray = good.clone();
    stray.insert("api_keys.rs".into());
    stray.remove("domain");
    assert_eq!(
        layout_violations(&stray, &set(&["mod.rs", "dto.rs", "error.rs"])),
        [
            "missing domain",
            "unexpected api_keys.rs (its place is in api/, domain/, store/, http/ or service/)",
            "missing api/events.rs"
        ]
    );
}

/// The tables a migration creates, alters or indexes that do not belong to `owner` (whose
/// tables are named `<prefix>_...`).
fn foreign_tables(sql: &str, prefix: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
        .to_ascii_lowercase();
    let words: Vec<&str> = code
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let mut tables = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let target = match *w {
            "table" => words[i + 1..]
                .iter()
                .find(|w| !matches!(**w, "if" | "not" | "exists")),
            "on" if words[..i].iter().rev().take(8).any(|w| *w == "index") => words.get(i + 1),
            _ => None,
        };
        if let Some(table) = target
            && !table.starts_with(&format!("{prefix}_"))
        {
            tables.push((*table).to_owned());
        }
    }
    tables
}

/// A migration's owner is the word after its version; `platform`'s tables are `event_*`.
fn table_prefix(owner: &str) -> &str {
    if owner == "platform" { "event" } else { owner }
}

#[test]
fn each_migration_touches_only_its_owner_s_tables() {
    let mut owners: BTreeSet<String> = module_names().into_iter().collect();
    owners.extend(["platform".to_owned(), "gateway".to_owned()]);
    for backend in ["sqlite", "postgres"] {
        let dir = Path::new(ROOT).join("migrations").join(backend);
        for name in entries(&dir) {
            let owner = name.split('_').nth(1).unwrap_or_default();
            assert!(
                owners.contains(owner),
                "{backend}/{name}: `{owner}` owns nothing (name it <version>_<owner>_<what>)"
            );
            for file in ["up.sql", "down.sql"] {
                let sql = fs::read_to_string(dir.join(&name).join(file)).unwrap();
                let foreign = foreign_tables(&sql, table_prefix(owner));
                assert!(
                    foreign.is_empty(),
                    "{backend}/{name}/{file} touches tables {owner} does not own: {foreign:?}"
                );
            }
        }
    }
}

#[test]
fn the_migration_check_catches_a_planted_violation() {
    let sql = "-- ordering_orders is mentioned in a comment only\n\
               CREATE TABLE IF NOT EXISTS kitchen_tickets (id TEXT);\n\
               ALTER TABLE ordering_orders ADD COLUMN x TEXT;\n\
               CREATE INDEX kitchen_by_order ON delivery_deliveries (order_id);\n\
               DROP TABLE kitchen_lines;";
    assert_eq!(
        foreign_tables(sql, "kitchen"),
        ["ordering_orders", "delivery_deliveries"]
    );
}
