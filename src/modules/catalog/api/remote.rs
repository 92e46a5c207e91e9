//! The catalog module's api across a process boundary (see `platform::remote`).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{
    CatalogApi, CatalogError, Category, CategoryPage, CategoryPatch, ItemFilter, ItemPage,
    ItemPatch, MODULE, Menu, MenuItem, NewCategory, NewItem, PageRequest, SoldOut,
};
use crate::modules::identity::api::Call;

crate::remote_api! {
    module MODULE, api CatalogApi, error CatalogError, caller Call;
    read menu(;) -> Arc<Menu>;
    read menu_at(; venue_id: &str => String, at: Option<DateTime<Utc>> => Option<DateTime<Utc>>) -> Menu;
    read items_by_ids(; ids: &[String] => Vec<String>, venue_id: &str => String, at: DateTime<Utc> => DateTime<Utc>) -> Vec<MenuItem>;
    read list_categories(; page: PageRequest => PageRequest) -> CategoryPage;
    read category(; id: &str => String) -> Category;
    write create_category(editor; input: NewCategory => NewCategory) -> Category;
    write update_category(
        editor;
        id: &str => String,
        patch: CategoryPatch => CategoryPatch,
        expected_version: Option<i32> => Option<i32>,
    ) -> Category;
    write delete_category(editor; id: &str => String) -> ();
    read list_items(; filter: ItemFilter => ItemFilter) -> ItemPage;
    read item(; id: &str => String) -> MenuItem;
    write create_item(editor; input: NewItem => NewItem) -> MenuItem;
    write update_item(
        editor;
        id: &str => String,
        patch: ItemPatch => ItemPatch,
        expected_version: Option<i32> => Option<i32>,
    ) -> MenuItem;
    write set_availability(editor; id: &str => String, available: bool => bool) -> MenuItem;
    write delete_item(editor; id: &str => String) -> ();
    write sell_out(editor; id: &str => String, sold_out: SoldOut => SoldOut) -> MenuItem;
    write bring_back(editor; id: &str => String, venue_id: Option<String> => Option<String>) -> MenuItem;
    write set_stock(
        editor;
        id: &str => String,
        quantity: Option<u32> => Option<u32>,
        venue_id: Option<String> => Option<String>,
    ) -> MenuItem;
    write sell_out_option(editor; option_id: &str => String, sold_out: SoldOut => SoldOut) -> MenuItem;
    write bring_back_option(editor; option_id: &str => String) -> MenuItem;
}
