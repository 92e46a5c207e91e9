//! What governance's inventory is built from: every module's self-description and published
//! events, the declared dependencies and subscriptions, the plans, and the live OpenAPI
//! document. Nothing here is a hand-kept list of operations.

use crate::app::Settings;
use crate::modules::governance::api::{
    EventEntry, InventorySource, ModuleEntry, OperationEntry, PlanEntry, PlansByCaller,
};
use crate::modules::webhooks::api::EventType;
use crate::platform::descriptor::{EventSpec, ModuleDescriptor, Producer};

/// `(producer, its published events)`: every module's, and the edge's.
fn published() -> Vec<Producer> {
    crate::modules::all()
        .iter()
        .map(|m| (m.descriptor.name, m.descriptor.publishes))
        .chain(super::EDGE_PRODUCERS.iter().copied())
        .collect()
}

/// Routes served outside `/v1` (not part of the versioned contract).
const OPERATIONAL: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/metrics",
        "Prometheus metrics (restricted by configuration)",
    ),
    ("GET", "/openapi.json", "The OpenAPI document"),
    ("GET", "/docs/", "Swagger UI"),
    (
        "GET",
        "/problems",
        "What each problem type means (one page per `type`)",
    ),
    (
        "GET",
        "/admin",
        "The operator dashboard (signs in as an admin)",
    ),
];

fn module_entry(info: &ModuleDescriptor) -> ModuleEntry {
    let depends_on = info.uses.iter().map(|d| (*d).to_owned()).collect();
    ModuleEntry {
        name: info.name.to_owned(),
        version: info.version.to_owned(),
        owner: info.owner.to_owned(),
        purpose: info.purpose.to_owned(),
        depends_on,
        operations: 0,
    }
}

fn event_entry(producer: &str, spec: &EventSpec) -> EventEntry {
    let consumers = crate::modules::subscriptions()
        .iter()
        .filter(|(_, p, types)| *p == producer && types.contains(&spec.event_type))
        .map(|(consumer, _, _)| (*consumer).to_owned())
        .collect();
    EventEntry {
        event_type: spec.event_type.to_owned(),
        version: spec.version,
        producer: producer.to_owned(),
        consumers,
        summary: spec.summary.to_owned(),
        schema: serde_json::to_value((spec.schema)()).unwrap_or_default(),
    }
}

/// What partners' webhooks carry: each of `types` with its summary and payload schema.
pub fn partner_event_catalog(types: &[&str]) -> Vec<EventType> {
    published()
        .iter()
        .flat_map(|(_, specs)| specs.iter())
        .filter(|spec| types.contains(&spec.event_type))
        .map(|spec| EventType {
            event_type: spec.event_type.to_owned(),
            version: spec.version,
            summary: spec.summary.to_owned(),
            data_schema: serde_json::to_value((spec.schema)()).unwrap_or_default(),
        })
        .collect()
}

fn operational(method: &str, path: &str, summary: &str) -> OperationEntry {
    OperationEntry {
        method: method.to_owned(),
        path: path.to_owned(),
        operation_id: String::new(),
        module: "platform".to_owned(),
        summary: summary.to_owned(),
        visibility: if path == "/metrics" {
            "internal"
        } else {
            "public"
        }
        .to_owned(),
        scopes: Vec::new(),
        auth: vec!["none".to_owned()],
        rate_limit: PlansByCaller::default(),
        deprecated: false,
        sunset: None,
    }
}

pub fn source(settings: &Settings, openapi: serde_json::Value) -> InventorySource {
    let rl = &settings.rate_limit;
    let mut plans: Vec<PlanEntry> = rl
        .plans
        .iter()
        .map(|(name, p)| PlanEntry {
            name: name.clone(),
            per_second: p.per_second,
            per_minute: p.per_minute,
            monthly_quota: p.monthly_quota,
        })
        .collect();
    plans.sort_by(|a, b| a.name.cmp(&b.name));
    let limited = |plan: &String| rl.enabled.then(|| plan.clone());
    InventorySource {
        modules: crate::modules::all()
            .iter()
            .map(|m| module_entry(m.descriptor))
            .collect(),
        openapi,
        events: published()
            .iter()
            .flat_map(|(producer, specs)| specs.iter().map(|s| event_entry(producer, s)))
            .collect(),
        plans,
        plan_by_caller: PlansByCaller {
            anonymous: limited(&rl.anonymous_plan),
            user: limited(&rl.user_plan),
            staff: limited(&rl.staff_plan),
        },
        operational: OPERATIONAL
            .iter()
            .map(|(m, p, s)| operational(m, p, s))
            .collect(),
    }
}
