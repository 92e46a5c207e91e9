//! The catalog module's contract: what other modules and the gateway may use.

mod dto;
mod error;
pub mod events;
pub mod remote;
mod settings;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::modules::identity::api::Call;

/// What this module is, whose api it uses and which events it publishes and consumes.
pub const MODULE: crate::platform::descriptor::ModuleDescriptor =
    crate::platform::descriptor::ModuleDescriptor {
        name: "catalog",
        version: "1.0.0",
        owner: "front of house",
        purpose: "The menu: categories, items, prices, options, make times, availability and sold-out.",
        uses: &["identity", "venues"],
        publishes: events::PUBLISHED,
        consumes: events::CONSUMES,
        settings: Some(settings::SECTION),
    };

pub use dto::{
    AvailabilityRequest, Category, CategoryPage, CategoryPatch, ItemFilter, ItemPage, ItemPatch,
    Menu, MenuAt, MenuCategory, MenuItem, NewCategory, NewItem, NewOption, NewOptionGroup,
    OptionChoice, OptionGroup, PageRequest, SoldOut, Stock, TimedPrice, Unavailability,
    UnavailableReason,
};
pub use error::CatalogError;
pub use settings::CatalogSettings;

#[async_trait]
pub trait CatalogApi: Send + Sync {
    /// What the default venue serves now, grouped by category. The same `Arc` until the menu
    /// changes, so callers may cache what they derive from it (the HTTP layer caches its
    /// JSON and ETag). Served from memory; writes here invalidate it at once, other replicas
    /// within the configured TTL, and serving hours on the minute.
    async fn menu(&self) -> Result<Arc<Menu>, CatalogError>;

    /// What venue `venue_id` serves at `at` (now when `None`), on its clock.
    async fn menu_at(
        &self,
        venue_id: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Menu, CatalogError>;

    /// Price, options and availability at venue `venue_id` at `at` (sold out then, served
    /// then on its clock) of each item in `ids` that exists, in the order asked. Missing ids
    /// are simply absent: the caller decides what that means.
    async fn items_by_ids(
        &self,
        ids: &[String],
        venue_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<MenuItem>, CatalogError>;

    async fn list_categories(&self, page: PageRequest) -> Result<CategoryPage, CatalogError>;
    async fn category(&self, id: &str) -> Result<Category, CatalogError>;
    async fn create_category(
        &self,
        editor: &Call,
        input: NewCategory,
    ) -> Result<Category, CatalogError>;
    /// `expected_version`: fail with `VersionMismatch` unless the category is still at it.
    async fn update_category(
        &self,
        editor: &Call,
        id: &str,
        patch: CategoryPatch,
        expected_version: Option<i32>,
    ) -> Result<Category, CatalogError>;
    /// Refused while the category still holds items.
    async fn delete_category(&self, editor: &Call, id: &str) -> Result<(), CatalogError>;

    async fn list_items(&self, filter: ItemFilter) -> Result<ItemPage, CatalogError>;
    async fn item(&self, id: &str) -> Result<MenuItem, CatalogError>;
    async fn create_item(&self, editor: &Call, input: NewItem) -> Result<MenuItem, CatalogError>;
    async fn update_item(
        &self,
        editor: &Call,
        id: &str,
        patch: ItemPatch,
        expected_version: Option<i32>,
    ) -> Result<MenuItem, CatalogError>;
    async fn set_availability(
        &self,
        editor: &Call,
        id: &str,
        available: bool,
    ) -> Result<MenuItem, CatalogError>;
    async fn delete_item(&self, editor: &Call, id: &str) -> Result<(), CatalogError>;

    /// Sold out until `sold_out.until` (by default the venue's next day), when it comes back
    /// by itself; announced as `catalog.availability_changed`, like every change below.
    async fn sell_out(
        &self,
        editor: &Call,
        id: &str,
        sold_out: SoldOut,
    ) -> Result<MenuItem, CatalogError>;
    /// Back now at venue `venue_id`, or everywhere when `None`.
    async fn bring_back(
        &self,
        editor: &Call,
        id: &str,
        venue_id: Option<String>,
    ) -> Result<MenuItem, CatalogError>;
    /// Counts portions down from `quantity` with each paid order (`None`: stops counting);
    /// 0 sells it out until `venue_id`'s next day.
    async fn set_stock(
        &self,
        editor: &Call,
        id: &str,
        quantity: Option<u32>,
        venue_id: Option<String>,
    ) -> Result<MenuItem, CatalogError>;
    /// The option sold out until `sold_out.until`; answers the item holding it.
    async fn sell_out_option(
        &self,
        editor: &Call,
        option_id: &str,
        sold_out: SoldOut,
    ) -> Result<MenuItem, CatalogError>;
    async fn bring_back_option(
        &self,
        editor: &Call,
        option_id: &str,
    ) -> Result<MenuItem, CatalogError>;
}
