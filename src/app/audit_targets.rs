//! Which writes' targets the audit trail can show as they were before: each read through
//! its module's contract, as the acting user may see it.

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
    targets.add(
        &[
            "/v1/catalog/items/{id}",
            "/v1/catalog/items/{id}/availability",
        ],
        "catalog item",
        item,
    );
    let category: Snapshot = Arc::new(move |_, id| {
        let catalog = catalog.clone();
        async move { catalog.category(&id).await.ok().and_then(json) }.boxed()
    });
    targets.add(&["/v1/catalog/categories/{id}"], "category", category);
    let user: Snapshot = Arc::new(move |actor, id| {
        let identity = identity.clone();
        async move { identity.user(&actor, &id).await.ok().and_then(json) }.boxed()
    });
    targets.add(
        &["/v1/admin/users/{id}/roles", "/v1/admin/users/{id}/plan"],
        "user",
        user,
    );
    let order: Snapshot = Arc::new(move |actor, id| {
        let ordering = ordering.clone();
        async move { ordering.get(&actor, &id).await.ok().and_then(json) }.boxed()
    });
    targets.add(
        &["/v1/orders/{id}/cancel", "/v1/orders/{id}/hand-over"],
        "order",
        order,
    );
    targets
}
