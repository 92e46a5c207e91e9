//! `brigade modules`: the module graph and the event catalogue, written from the descriptors
//! (Markdown with a Mermaid diagram). The README's architecture map is this output; a test
//! fails when the two differ.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

use crate::platform::descriptor::{EventSpec, ModuleDescriptor};

/// The whole map: graph, modules table and event catalogue.
pub fn markdown() -> String {
    let modules: Vec<&'static ModuleDescriptor> =
        crate::modules::all().iter().map(|m| m.descriptor).collect();
    let document = serde_json::to_value(super::openapi()).unwrap_or_default();
    let mut out = String::new();
    out.push_str(&graph(&modules));
    out.push_str(&module_table(&modules));
    out.push_str(&catalogue(&document));
    out
}

/// Solid arrows: whose `api` a module uses. Dotted arrows: events, labelled with their types.
fn graph(modules: &[&ModuleDescriptor]) -> String {
    let mut out = String::from("```mermaid\nflowchart LR\n");
    for m in modules {
        let _ = writeln!(out, "  {0}[{0}]", m.name);
    }
    for (producer, _) in super::EDGE_PRODUCERS {
        let _ = writeln!(out, "  {producer}([{producer}])");
    }
    for m in modules {
        for used in m.uses {
            let _ = writeln!(out, "  {} --> {used}", m.name);
        }
    }
    for (consumer, producer, types) in crate::modules::subscriptions() {
        let _ = writeln!(
            out,
            "  {producer} -.->|\"{}\"| {consumer}",
            types.join("<br/>")
        );
    }
    out.push_str("```\n\n");
    out
}

fn module_table(modules: &[&ModuleDescriptor]) -> String {
    let mut out = String::from(
        "| Module | Version | Owner | Purpose | Uses | Publishes | Consumes | Settings |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let list = |items: Vec<&str>| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for m in modules {
        let consumed = m
            .consumes
            .iter()
            .flat_map(|c| c.event_types.iter().copied())
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            m.name,
            m.version,
            m.owner,
            m.purpose,
            list(m.uses.to_vec()),
            list(m.publishes.iter().map(|e| e.event_type).collect()),
            list(consumed),
            m.settings
                .map(|s| format!("`[{}]`", s.key))
                .unwrap_or_else(|| "—".to_owned()),
        );
    }
    out.push('\n');
    out
}

/// Every published event: producer, consumers, summary, and its payload's JSON Schema with
/// references to the document's components written out in place.
fn catalogue(document: &Value) -> String {
    let mut out = String::from(
        "| Event | Version | Producer | Consumers | Summary |\n|---|---|---|---|---|\n",
    );
    // Event types sharing a payload schema are listed together, the schema once.
    let mut payloads: Vec<(Value, Vec<String>)> = Vec::new();
    for (producer, spec) in published() {
        let consumers: Vec<&str> = crate::modules::subscriptions()
            .iter()
            .filter(|(_, p, types)| *p == producer && types.contains(&spec.event_type))
            .map(|(consumer, _, _)| *consumer)
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {producer} | {} | {} |",
            spec.event_type,
            spec.version,
            consumers.join(", "),
            spec.summary
        );
        let schema = serde_json::to_value((spec.schema)()).unwrap_or_default();
        let schema = inline(schema, document, &mut BTreeSet::new());
        let name = format!("<code>{}</code> v{}", spec.event_type, spec.version);
        match payloads.iter_mut().find(|(s, _)| *s == schema) {
            Some((_, names)) => names.push(name),
            None => payloads.push((schema, vec![name])),
        }
    }
    let mut schemas = String::new();
    for (schema, names) in payloads {
        let _ = write!(
            schemas,
            "<details><summary>Payload of {}</summary>\n\n```json\n{}\n```\n\n</details>\n",
            names.join(", "),
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        );
    }
    out.push('\n');
    out.push_str(&schemas);
    out
}

fn published() -> Vec<(&'static str, &'static EventSpec)> {
    crate::modules::all()
        .iter()
        .map(|m| (m.descriptor.name, m.descriptor.publishes))
        .chain(super::EDGE_PRODUCERS.iter().copied())
        .flat_map(|(producer, specs)| specs.iter().map(move |s| (producer, s)))
        .collect()
}

/// Replaces each `$ref` to `#/components/schemas/X` with X itself (a schema referring to
/// itself stays a reference).
fn inline(schema: Value, document: &Value, seen: &mut BTreeSet<String>) -> Value {
    match schema {
        Value::Object(fields) => {
            if let Some(Value::String(target)) = fields.get("$ref")
                && let Some(name) = target.strip_prefix("#/components/schemas/")
                && let Some(found) = document["components"]["schemas"].get(name)
                && seen.insert(name.to_owned())
            {
                let resolved = inline(found.clone(), document, seen);
                seen.remove(name);
                return resolved;
            }
            Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, inline(v, document, seen)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| inline(v, document, seen))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_written_out_and_self_references_kept() {
        let document = serde_json::json!({"components": {"schemas": {
            "Money": {"type": "integer"},
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
        }}});
        let schema = serde_json::json!({"properties": {
            "total": {"$ref": "#/components/schemas/Money"},
            "tree": {"$ref": "#/components/schemas/Node"}
        }});
        let inlined = inline(schema, &document, &mut BTreeSet::new());
        assert_eq!(
            inlined["properties"]["total"],
            serde_json::json!({"type": "integer"})
        );
        assert_eq!(
            inlined["properties"]["tree"]["properties"]["next"],
            serde_json::json!({"$ref": "#/components/schemas/Node"})
        );
    }

    #[test]
    fn every_module_and_event_flow_is_on_the_map() {
        let map = markdown();
        for m in crate::modules::all() {
            assert!(map.contains(&format!("  {0}[{0}]", m.descriptor.name)));
        }
        assert!(map.contains("  ordering -.->|\"order.paid<br/>order.cancelled\"| kitchen"));
        assert!(map.contains("  gateway -.->|\"audit.recorded\"| governance"));
        assert!(map.contains("  payments --> ordering"));
        assert!(map.contains("| `ticket.ready` | 1 | kitchen | ordering, webhooks |"));
    }
}
