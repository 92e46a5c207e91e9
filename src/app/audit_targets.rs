//! How the audit trail reads a write's target as it was before, for each target type the
//! contract names (`x-audit-target`): through its module's contract, as the acting user may
//! see it.

use std::sync::Arc;

use futures_util::FutureExt;
use serde_json::Value;

use crate::gateway::audit::{AuditTargets, Snapshot};
use crate::modules::catalog::api::CatalogApi;
use crate::modules::identity::api::IdentityApi;
use crate::modules::ordering::api::OrderingApi;

fn json<T: serde::Serialize>(v: T) -> Option<Value> {
    serde_json::to_value(v).ok()
}

pub fn build(
    identity: Arc<dyn IdentityApi>,
    catalog: Arc<dyn CatalogApi>,
    ordering: Arc<dyn OrderingApi>,
) -> AuditTargets {
    let mut targets = AuditTargets::default();
    let items = catalog.clone();
    let item: Snapshot = Arc::new(move |_, id| {
        let items = items.clone();
        async move { items.item(&id).await.ok().and_then(json) }.boxed()
    });
    targets.add("catalog item", item);
    let category: Snapshot = Arc::new(move |_, id| {
        let catalog = catalog.clone();
        async move { catalog.category(&id).await.ok().and_then(json) }.boxed()
    });
    targets.add("category", category);
    let user: Snapshot = Arc::new(move |actor, id| {
        let identity = identity.clone();
        async move { identity.user(&actor, &id).await.ok().and_then(json) }.boxed()
    });
    targets.add("user", user);
    let order: Snapshot = Arc::new(move |actor, id| {
        let ordering = ordering.clone();
        async move { ordering.get(&actor, &id).await.ok().and_then(json) }.boxed()
    });
    targets.add("order", order);
    targets
}
