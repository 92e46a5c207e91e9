//! The catalog module's implementation of its contract.

mod menu_cache;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;

use menu_cache::MenuCache;

use crate::modules::catalog::api::CatalogSettings;
use crate::modules::catalog::api::{
    CatalogApi, CatalogError, Category, CategoryPage, CategoryPatch, ItemFilter, ItemPage,
    ItemPatch, Menu, MenuItem, NewCategory, NewItem, NewOptionGroup, PageRequest,
};
use crate::modules::catalog::domain::{menu, rules};
use crate::modules::catalog::store::{
    self, CategoryRow, GroupRow, GroupTree, ItemQuery, ItemRow, OptionRow,
};
use crate::modules::identity::api::{Call, roles};
use crate::platform::db::{Db, is_unique_violation};
use crate::platform::http::etag;
use crate::platform::ids::new_id;
use crate::platform::pagination;
use crate::platform::validation::FieldError;

pub struct CatalogService {
    db: Db,
    menu: MenuCache,
}

impl CatalogService {
    pub fn new(db: Db, settings: &CatalogSettings) -> Self {
        Self {
            db,
            menu: MenuCache::new(Duration::from_secs(settings.menu_cache_ttl_secs)),
        }
    }

    async fn build_menu(&self) -> Result<Arc<Menu>, CatalogError> {
        let (categories, items) = self
            .db
            .read(|conn| {
                let categories: Vec<Category> = store::all_categories(conn)?
                    .into_iter()
                    .map(Category::from)
                    .collect();
                Ok::<_, CatalogError>((categories, store::available_items(conn)?))
            })
            .await?;
        Ok(Arc::new(menu::assemble(categories, items)))
    }

    async fn load_item(&self, id: &str) -> Result<MenuItem, CatalogError> {
        let ids = vec![id.to_owned()];
        self.db
            .read(move |conn| store::items_by_ids(conn, &ids).map_err(CatalogError::from))
            .await?
            .pop()
            .ok_or_else(|| CatalogError::ItemNotFound(id.to_owned()))
    }
}

fn group_tree(item_id: &str, groups: &[NewOptionGroup]) -> GroupTree {
    groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let group_id = new_id("grp");
            let options = g
                .options
                .iter()
                .enumerate()
                .map(|(oi, o)| OptionRow {
                    id: new_id("opt"),
                    group_id: group_id.clone(),
                    name: o.name.trim().to_owned(),
                    price_delta: o.price_delta,
                    position: oi as i32,
                })
                .collect();
            let group = GroupRow {
                id: group_id,
                item_id: item_id.to_owned(),
                name: g.name.trim().to_owned(),
                min_choices: g.min_choices,
                max_choices: g.max_choices,
                position: gi as i32,
            };
            (group, options)
        })
        .collect()
}

/// Checked inside the writing transaction, so a concurrent delete cannot slip in between.
fn category_must_exist(
    conn: &mut crate::platform::db::DbConn,
    id: &str,
) -> Result<(), CatalogError> {
    if store::category(conn, id)?.is_some() {
        Ok(())
    } else {
        Err(CatalogError::Validation(vec![FieldError::new(
            "category_id",
            "not_found",
            "no category with this id",
        )]))
    }
}

fn collect<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn category_etag(row: &CategoryRow) -> String {
    etag::for_version("category", &row.id, row.version)
}

#[async_trait]
impl CatalogApi for CatalogService {
    async fn menu(&self) -> Result<Arc<Menu>, CatalogError> {
        if let Some(snapshot) = self.menu.fresh() {
            return Ok(snapshot);
        }
        let snapshot = self.build_menu().await?;
        self.menu.store(snapshot.clone());
        Ok(snapshot)
    }

    async fn items_by_ids(&self, ids: &[String]) -> Result<Vec<MenuItem>, CatalogError> {
        let wanted = ids.to_vec();
        let mut found = self
            .db
            .read(move |conn| store::items_by_ids(conn, &wanted).map_err(CatalogError::from))
            .await?;
        found.sort_by_key(|item| ids.iter().position(|id| *id == item.id));
        Ok(found)
    }

    async fn list_categories(&self, page: PageRequest) -> Result<CategoryPage, CatalogError> {
        let (limit, after) = pagination::parse(page.limit, page.cursor.as_deref())
            .map_err(CatalogError::Validation)?;
        let rows = self
            .db
            .read(move |conn| {
                store::categories_page(conn, after, limit as i64 + 1).map_err(CatalogError::from)
            })
            .await?;
        let (rows, next_cursor) = pagination::split(rows, limit, |r| (r.position, r.id.clone()));
        Ok(CategoryPage {
            data: rows.into_iter().map(Category::from).collect(),
            next_cursor,
        })
    }

    async fn category(&self, id: &str) -> Result<Category, CatalogError> {
        let key = id.to_owned();
        self.db
            .read(move |conn| store::category(conn, &key).map_err(CatalogError::from))
            .await?
            .map(Category::from)
            .ok_or_else(|| CatalogError::CategoryNotFound(id.to_owned()))
    }

    async fn create_category(
        &self,
        editor: &Call,
        input: NewCategory,
    ) -> Result<Category, CatalogError> {
        may_edit(editor)?;
        let name =
            rules::name("name", &input.name).map_err(|e| CatalogError::Validation(vec![e]))?;
        let now = Utc::now().naive_utc();
        let row = CategoryRow {
            id: new_id("cat"),
            name,
            description: input.description.trim().to_owned(),
            position: input.position,
            make_minutes: input.make_minutes,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let saved = row.clone();
        self.db
            .write(move |conn| match store::insert_category(conn, &row) {
                Err(e) if is_unique_violation(&e) => Err(CatalogError::Conflict(
                    "a category with this name already exists".into(),
                )),
                other => other.map_err(CatalogError::from),
            })
            .await?;
        self.menu.invalidate();
        Ok(saved.into())
    }

    async fn update_category(
        &self,
        editor: &Call,
        id: &str,
        patch: CategoryPatch,
        expected_version: Option<i32>,
    ) -> Result<Category, CatalogError> {
        may_edit(editor)?;
        let name = match &patch.name {
            Some(n) => Some(rules::name("name", n).map_err(|e| CatalogError::Validation(vec![e]))?),
            None => None,
        };
        let key = id.to_owned();
        let updated = self
            .db
            .write(move |conn| {
                let Some(mut row) = store::category(conn, &key)? else {
                    return Err(CatalogError::CategoryNotFound(key));
                };
                let current = row.version;
                if expected_version.is_some_and(|v| v != current) {
                    return Err(CatalogError::VersionMismatch {
                        current_etag: category_etag(&row),
                    });
                }
                if let Some(name) = name {
                    row.name = name;
                }
                if let Some(d) = patch.description {
                    row.description = d.trim().to_owned();
                }
                if let Some(p) = patch.position {
                    row.position = p;
                }
                if let Some(m) = patch.make_minutes {
                    row.make_minutes = m;
                }
                row.version = current + 1;
                row.updated_at = Utc::now().naive_utc();
                match store::update_category(conn, &row, current) {
                    Ok(true) => Ok(row),
                    Ok(false) => Err(CatalogError::VersionMismatch {
                        current_etag: category_etag(&row),
                    }),
                    Err(e) if is_unique_violation(&e) => Err(CatalogError::Conflict(
                        "a category with this name already exists".into(),
                    )),
                    Err(e) => Err(e.into()),
                }
            })
            .await?;
        self.menu.invalidate();
        Ok(updated.into())
    }

    async fn delete_category(&self, editor: &Call, id: &str) -> Result<(), CatalogError> {
        may_edit(editor)?;
        let key = id.to_owned();
        self.db
            .write(move |conn| {
                if store::category_has_items(conn, &key)? {
                    return Err(CatalogError::Conflict(
                        "the category still has items; move or delete them first".into(),
                    ));
                }
                if store::delete_category(conn, &key)? {
                    Ok(())
                } else {
                    Err(CatalogError::CategoryNotFound(key))
                }
            })
            .await?;
        self.menu.invalidate();
        Ok(())
    }

    async fn list_items(&self, filter: ItemFilter) -> Result<ItemPage, CatalogError> {
        let (limit, after) = pagination::parse(filter.limit, filter.cursor.as_deref())
            .map_err(CatalogError::Validation)?;
        let query = ItemQuery {
            category_id: filter.category_id,
            tag: filter.tag.map(|t| t.trim().to_lowercase()),
            available: filter.available,
            after,
            limit: limit as i64 + 1,
        };
        let rows = self
            .db
            .read(move |conn| store::items_page(conn, query).map_err(CatalogError::from))
            .await?;
        Ok(ItemPage::of(rows, limit, |r| (r.position, r.id.clone())))
    }

    async fn item(&self, id: &str) -> Result<MenuItem, CatalogError> {
        self.load_item(id).await
    }

    async fn create_item(&self, editor: &Call, input: NewItem) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        let mut errors = Vec::new();
        let name = collect(&mut errors, rules::name("name", &input.name));
        collect(&mut errors, rules::currency("currency", &input.currency));
        collect(&mut errors, rules::station("station", &input.station));
        let tags = collect(&mut errors, rules::tags("tags", &input.tags));
        errors.extend(rules::option_groups("option_groups", &input.option_groups));
        if !errors.is_empty() {
            return Err(CatalogError::Validation(errors));
        }
        let now = Utc::now().naive_utc();
        let row = ItemRow {
            id: new_id("itm"),
            category_id: input.category_id,
            name: name.unwrap_or_default(),
            description: input.description.trim().to_owned(),
            price: input.price,
            currency: input.currency,
            available: input.available,
            position: input.position,
            station: input.station,
            make_minutes: input.make_minutes,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let tree = group_tree(&row.id, &input.option_groups);
        let tags = tags.unwrap_or_default();
        let id = row.id.clone();
        self.db
            .write(move |conn| {
                category_must_exist(conn, &row.category_id)?;
                store::insert_item(conn, &row, &tags, &tree).map_err(CatalogError::from)
            })
            .await?;
        self.menu.invalidate();
        self.load_item(&id).await
    }

    async fn update_item(
        &self,
        editor: &Call,
        id: &str,
        patch: ItemPatch,
        expected_version: Option<i32>,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        let mut errors = Vec::new();
        let name = patch
            .name
            .as_deref()
            .and_then(|n| collect(&mut errors, rules::name("name", n)));
        if let Some(c) = &patch.currency {
            collect(&mut errors, rules::currency("currency", c));
        }
        if let Some(s) = &patch.station {
            collect(&mut errors, rules::station("station", s));
        }
        let tags = patch
            .tags
            .as_deref()
            .and_then(|t| collect(&mut errors, rules::tags("tags", t)));
        if let Some(groups) = &patch.option_groups {
            errors.extend(rules::option_groups("option_groups", groups));
        }
        if let Some(Some(minutes)) = patch.make_minutes {
            collect(&mut errors, rules::make_minutes("make_minutes", minutes));
        }
        if !errors.is_empty() {
            return Err(CatalogError::Validation(errors));
        }

        let key = id.to_owned();
        self.db
            .write(move |conn| {
                let Some(mut row) = store::item_row(conn, &key)? else {
                    return Err(CatalogError::ItemNotFound(key));
                };
                let current = row.version;
                let stale = || CatalogError::VersionMismatch {
                    current_etag: etag::for_version("item", &key, current),
                };
                if expected_version.is_some_and(|v| v != current) {
                    return Err(stale());
                }
                if let Some(v) = patch.category_id {
                    category_must_exist(conn, &v)?;
                    row.category_id = v;
                }
                if let Some(v) = name {
                    row.name = v;
                }
                if let Some(v) = patch.description {
                    row.description = v.trim().to_owned();
                }
                if let Some(v) = patch.price {
                    row.price = v;
                }
                if let Some(v) = patch.currency {
                    row.currency = v;
                }
                if let Some(v) = patch.available {
                    row.available = v;
                }
                if let Some(v) = patch.position {
                    row.position = v;
                }
                if let Some(v) = patch.station {
                    row.station = v;
                }
                if let Some(v) = patch.make_minutes {
                    row.make_minutes = v;
                }
                row.version = current + 1;
                row.updated_at = Utc::now().naive_utc();
                if !store::update_item(conn, &row, current)? {
                    return Err(stale());
                }
                if let Some(tags) = tags {
                    store::replace_tags(conn, &row.id, &tags)?;
                }
                if let Some(groups) = patch.option_groups {
                    store::replace_groups(conn, &row.id, &group_tree(&row.id, &groups))?;
                }
                Ok(())
            })
            .await?;
        self.menu.invalidate();
        self.load_item(id).await
    }

    async fn set_availability(
        &self,
        editor: &Call,
        id: &str,
        available: bool,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        self.update_item(
            editor,
            id,
            ItemPatch {
                available: Some(available),
                ..ItemPatch::default()
            },
            None,
        )
        .await
    }

    async fn delete_item(&self, editor: &Call, id: &str) -> Result<(), CatalogError> {
        may_edit(editor)?;
        let key = id.to_owned();
        self.db
            .write(move |conn| {
                if store::delete_item(conn, &key)? {
                    Ok(())
                } else {
                    Err(CatalogError::ItemNotFound(key))
                }
            })
            .await?;
        self.menu.invalidate();
        Ok(())
    }
}

/// Only menu editors change the menu, whoever calls (a handler, or another process).
fn may_edit(editor: &Call) -> Result<(), CatalogError> {
    editor
        .require(roles::MENU_EDITORS)
        .map_err(CatalogError::Forbidden)
}
