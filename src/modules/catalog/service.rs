//! The catalog module's implementation of its contract.

mod kept_items;
mod menu_cache;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use kept_items::{KeptItems, KeptValue};
use menu_cache::MenuCache;

use crate::modules::catalog::api::CatalogSettings;
use crate::modules::catalog::api::events::{self as ev, AvailabilityChanged};
use crate::modules::catalog::api::{
    CatalogApi, CatalogError, Category, CategoryPage, CategoryPatch, ItemFilter, ItemPage,
    ItemPatch, Menu, MenuItem, NewCategory, NewItem, NewOptionGroup, PageRequest, SoldOut,
    TimedPrice,
};
use crate::modules::catalog::domain::availability::{Here, Stocked};
use crate::modules::catalog::domain::daypart::Daypart;
use crate::modules::catalog::domain::offer::Offer;
use crate::modules::catalog::domain::{availability, menu, rules};
use crate::modules::catalog::store::{
    self, CategoryRow, GroupRow, GroupTree, ItemParts, ItemQuery, ItemRow, OptionRow, Outbox,
};
use crate::modules::identity::api::{Call, roles};
use crate::modules::venues::api::{DEFAULT_VENUE, VenuesApi, VenuesError, WeeklyHours};
use crate::platform::clock::Clock;
use crate::platform::db::{Db, DbConn, is_unique_violation};
use crate::platform::events::{Event, EventHandler, OutboxTable, Wake};
use crate::platform::fresh::FreshRead;
use crate::platform::http::etag;
use crate::platform::ids::new_id;
use crate::platform::pagination;
use crate::platform::validation::FieldError;

/// How many items a process keeps for pricing: a few hundred kilobytes at most.
const KEPT_ITEMS: usize = 2_000;

pub struct CatalogService {
    db: Db,
    menu: MenuCache,
    venues: Arc<dyn VenuesApi>,
    clock: Arc<dyn Clock>,
    wake: Wake,
    restock_every: Duration,
    /// The ids of the items whose portions are counted, good while the revision stands.
    counted: KeptValue<Arc<HashSet<String>>>,
    /// The catalog revision, read fresh for each basket priced and each paid order.
    revision: Arc<FreshRead<i64>>,
    /// The items baskets were priced with, good while the revision stands.
    kept: KeptItems,
}

impl CatalogService {
    pub fn new(
        db: Db,
        settings: &CatalogSettings,
        venues: Arc<dyn VenuesApi>,
        clock: Arc<dyn Clock>,
        wake: Wake,
    ) -> Self {
        let revision = FreshRead::from_db(db.clone(), |c| {
            store::revision(c).map_err(CatalogError::from)
        });
        Self {
            counted: KeptValue::new(),
            revision,
            kept: KeptItems::new(KEPT_ITEMS),
            db,
            menu: MenuCache::new(Duration::from_secs(settings.menu_cache_ttl_secs)),
            venues,
            clock,
            wake,
            restock_every: Duration::from_millis(settings.restock_interval_ms.max(1)),
        }
    }

    /// Microseconds, as both databases keep them.
    fn now(&self) -> NaiveDateTime {
        self.clock.now().trunc_subsecs(6).naive_utc()
    }

    /// Venue `venue_id` as availability sees it: its time zone, which serving hours are read
    /// in.
    async fn here(&self, venue_id: &str) -> Result<Here, CatalogError> {
        let venue = self
            .venues
            .get(venue_id)
            .await
            .map_err(|e| venue_failure(venue_id, e))?;
        let tz: Tz = venue.time_zone.parse().map_err(|_| {
            CatalogError::Internal(format!(
                "venue {venue_id} has the unknown time zone {}",
                venue.time_zone
            ))
        })?;
        Ok(Here {
            venue_id: venue.id,
            tz,
        })
    }

    /// Where an item is offered and at what price, checked (every venue named exists) and
    /// stored as JSON: `venue_ids`, `venue_prices`.
    async fn offer_json(&self, offer: &Offer) -> Result<(Option<String>, String), CatalogError> {
        let mut errors = rules::offer(offer);
        for venue in offer.named_venues() {
            match self.venues.get(venue).await {
                Ok(_) => {}
                Err(VenuesError::NotFound(_)) => errors.push(FieldError::new(
                    "venue_ids",
                    "unknown_venue",
                    format!("no venue with id {venue}"),
                )),
                Err(e) => return Err(venue_failure(venue, e)),
            }
        }
        if !errors.is_empty() {
            return Err(CatalogError::Validation(errors));
        }
        let venue_ids = offer
            .venues
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| CatalogError::Internal(e.to_string()))?;
        let venue_prices = serde_json::to_string(&offer.prices)
            .map_err(|e| CatalogError::Internal(e.to_string()))?;
        Ok((venue_ids, venue_prices))
    }

    /// What venue `venue_id` serves at `at`.
    async fn build_menu(&self, venue_id: &str, at: NaiveDateTime) -> Result<Menu, CatalogError> {
        let here = self.here(venue_id).await?;
        let (categories, items) = self
            .db
            .scan(move |conn| {
                let categories: Vec<Category> = store::all_categories(conn)?
                    .into_iter()
                    .map(Category::from)
                    .collect();
                Ok::<_, CatalogError>((categories, store::available_items(conn, at, &here)?))
            })
            .await?;
        Ok(menu::assemble(categories, items))
    }

    async fn load_item(&self, id: &str) -> Result<MenuItem, CatalogError> {
        let now = self.now();
        self.item_parts(&[id.to_owned()])
            .await?
            .first()
            .map(|parts| parts.assemble(now, None))
            .ok_or_else(|| CatalogError::ItemNotFound(id.to_owned()))
    }

    /// When something sold out now comes back: `asked`, or the venue's next day; `None`
    /// when the time asked has passed (it is back).
    async fn comes_back_at(&self, asked: &SoldOut) -> Result<Option<NaiveDateTime>, CatalogError> {
        let now = self.clock.now();
        let default = match asked.until {
            Some(until) => until,
            None => {
                let venue = asked.venue_id.as_deref().unwrap_or(DEFAULT_VENUE);
                self.venues
                    .next_day(venue, Some(now))
                    .await
                    .map_err(|e| venue_failure(venue, e))?
            }
        };
        Ok(availability::comes_back_at(asked.until, default, now)
            .map(|t| t.trunc_subsecs(6).naive_utc()))
    }

    /// Writes the item's sold-out time and portions (`None`: as they are), and announces
    /// what changed.
    async fn restock_item(
        &self,
        id: &str,
        sold_out_until: Option<Option<NaiveDateTime>>,
        stock: Option<Option<i32>>,
    ) -> Result<MenuItem, CatalogError> {
        let key = id.to_owned();
        let now = self.now();
        self.write(move |c| {
            let row =
                store::item_row(c, &key)?.ok_or_else(|| CatalogError::ItemNotFound(key.clone()))?;
            let stock = stock.unwrap_or(row.stock);
            let sold_out_until = sold_out_until.unwrap_or(row.sold_out_until);
            store::set_item_stock(c, &key, sold_out_until, stock, now)?;
            let changed = ItemRow {
                sold_out_until,
                stock,
                ..row
            };
            Outbox.append(c, &[item_event(&changed, now)])?;
            Ok::<_, CatalogError>(())
        })
        .await?;
        self.changed();
        self.load_item(id).await
    }

    /// Sold out at venue `venue_id` only until `until`, or back there (`None`).
    async fn restock_at_venue(
        &self,
        id: &str,
        venue_id: &str,
        until: Option<NaiveDateTime>,
    ) -> Result<MenuItem, CatalogError> {
        // The venue must exist: a sell-out nowhere would be lost.
        self.venues
            .get(venue_id)
            .await
            .map_err(|e| venue_failure(venue_id, e))?;
        let (key, venue) = (id.to_owned(), venue_id.to_owned());
        let now = self.now();
        self.write(move |c| {
            let row =
                store::item_row(c, &key)?.ok_or_else(|| CatalogError::ItemNotFound(key.clone()))?;
            match until {
                Some(until) => store::sell_out_at_venue(c, &key, &venue, until, now)?,
                None => {
                    store::bring_back_at_venues(c, &key, Some(&venue), None)?;
                    store::touch_item(c, &key, now)?;
                }
            }
            Outbox.append(c, &[venue_item_event(&row, &venue, until, now)])?;
            Ok::<_, CatalogError>(())
        })
        .await?;
        self.changed();
        self.load_item(id).await
    }

    async fn restock_option(
        &self,
        option_id: &str,
        sold_out_until: Option<NaiveDateTime>,
    ) -> Result<MenuItem, CatalogError> {
        let key = option_id.to_owned();
        let now = self.now();
        let item_id = self
            .write(move |c| {
                let item_id = store::item_of_option(c, &key)?
                    .ok_or_else(|| CatalogError::OptionNotFound(key.clone()))?;
                store::set_option_sold_out(c, &item_id, &key, sold_out_until, now)?;
                Outbox.append(c, &[option_event(&item_id, &key, sold_out_until, now)])?;
                Ok::<_, CatalogError>(item_id)
            })
            .await?;
        self.changed();
        self.load_item(&item_id).await
    }

    /// The items of `ids` that exist, in that order, as the catalog stands now: kept ones
    /// while the catalog revision stands, else read (and kept).
    async fn item_parts(&self, ids: &[String]) -> Result<Vec<Arc<ItemParts>>, CatalogError> {
        let mut wanted: Vec<String> = Vec::with_capacity(ids.len());
        for id in ids {
            if !wanted.contains(id) {
                wanted.push(id.clone());
            }
        }
        let revision = self.revision.get().await.map_err(CatalogError::Internal)?;
        if let Some(kept) = self.kept.get(&wanted, revision) {
            return Ok(kept);
        }
        let (read_at, parts) = self
            .db
            .read(move |c| {
                let read_at = store::revision(c)?;
                Ok::<_, CatalogError>((read_at, store::item_parts(c, &wanted)?))
            })
            .await?;
        let mut parts: Vec<Arc<ItemParts>> = parts.into_iter().map(Arc::new).collect();
        self.kept.keep(&parts, read_at);
        parts.sort_by_key(|item| ids.iter().position(|id| id == item.id()));
        Ok(parts)
    }

    /// The ids of the items whose portions are counted, as the catalog stands now: kept while
    /// the catalog revision stands, else read (and kept).
    async fn counted_ids(&self) -> Result<Arc<HashSet<String>>, CatalogError> {
        let revision = self.revision.get().await.map_err(CatalogError::Internal)?;
        if let Some(ids) = self.counted.get(revision) {
            return Ok(ids);
        }
        let (read_at, ids) = self
            .db
            .read(|c| Ok::<_, CatalogError>((store::revision(c)?, store::counted_ids(c)?)))
            .await?;
        let ids = Arc::new(ids);
        self.counted.keep(ids.clone(), read_at);
        Ok(ids)
    }

    /// Runs `work` in one transaction that also raises the catalog revision, so no process
    /// prices a basket with items it kept from before the change.
    async fn write<T, F>(&self, work: F) -> Result<T, CatalogError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, CatalogError> + Send + 'static,
        T: Send + 'static,
    {
        self.db
            .write(move |c| {
                // First, as the consumer does: catalog writes queue on the revision's row
                // before they lock any other, so on PostgreSQL they cannot deadlock.
                store::raise_revision(c)?;
                work(c)
            })
            .await
    }

    /// The menu changed and events wait.
    fn changed(&self) {
        self.menu.invalidate();
        self.wake.published();
    }

    /// Brings back what was sold out until now, announcing each once across replicas; says
    /// how many.
    pub async fn bring_back_due(&self) -> Result<usize, CatalogError> {
        let now = self.now();
        let due = self
            .db
            .read(move |c| store::due_back(c, now, 100).map_err(CatalogError::from))
            .await?;
        let mut back = 0;
        for due in due {
            let came = self
                .write(move |c| {
                    if !store::bring_back(c, &due, now)? {
                        return Ok(false);
                    }
                    let event = match (&due.option_id, &due.venue_id) {
                        (Some(option_id), _) => option_event(&due.item_id, option_id, None, now),
                        (None, venue) => match store::item_row(c, &due.item_id)? {
                            Some(row) => match venue {
                                Some(venue) => venue_item_event(&row, venue, None, now),
                                None => item_event(&row, now),
                            },
                            None => return Ok(true),
                        },
                    };
                    Outbox.append(c, &[event])?;
                    Ok::<_, CatalogError>(true)
                })
                .await?;
            back += usize::from(came);
        }
        if back > 0 {
            self.changed();
        }
        Ok(back)
    }

    /// Brings sold-out items back every `restock_interval_ms`, until the process stops.
    pub async fn bring_back_forever(self: Arc<Self>) {
        loop {
            if let Err(e) = self.bring_back_due().await {
                tracing::warn!(error = %e, "cannot bring sold-out items back; will retry");
            }
            actix_web::rt::time::sleep(self.restock_every).await;
        }
    }
}

/// `catalog.availability_changed` for an item as `row` now stands.
fn item_event(row: &ItemRow, now: NaiveDateTime) -> Event {
    availability_event(row, None, row.stocked(), now)
}

/// `catalog.availability_changed` for an item at venue `venue_id` only, sold out there until
/// `until` (`None`: back there).
fn venue_item_event(
    row: &ItemRow,
    venue_id: &str,
    until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Event {
    let stocked = match until {
        Some(until) => row
            .stocked()
            .sold_out_until_at_least(until.and_utc(), now.and_utc()),
        None => row.stocked(),
    };
    availability_event(row, Some(venue_id), stocked, now)
}

fn availability_event(
    row: &ItemRow,
    venue_id: Option<&str>,
    stocked: Stocked,
    now: NaiveDateTime,
) -> Event {
    let payload = AvailabilityChanged {
        item_id: row.id.clone(),
        option_id: None,
        venue_id: venue_id.map(str::to_owned),
        available: stocked.orderable_at(now.and_utc()),
        sold_out_until: stocked.sold_out_until.filter(|_| row.available),
        stock: row.stock,
    };
    Event::new(ev::AVAILABILITY_CHANGED, 1, &row.id, &payload)
}

/// `catalog.availability_changed` for an option, sold out until `until` (`None`: back).
fn option_event(
    item_id: &str,
    option_id: &str,
    until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Event {
    let until = until.map(|t| t.and_utc());
    let payload = AvailabilityChanged {
        item_id: item_id.to_owned(),
        option_id: Some(option_id.to_owned()),
        venue_id: None,
        available: !availability::sold_out_at(until, now.and_utc()),
        sold_out_until: until,
        stock: None,
    };
    Event::new(ev::AVAILABILITY_CHANGED, 1, item_id, &payload)
}

fn venue_failure(venue: &str, e: VenuesError) -> CatalogError {
    match e {
        VenuesError::NotFound(_) => CatalogError::VenueNotFound(venue.to_owned()),
        VenuesError::Unavailable {
            module,
            retry_after_secs,
        } => CatalogError::Unavailable {
            module,
            retry_after_secs,
        },
        other => CatalogError::Internal(other.to_string()),
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
                    sold_out_until: None,
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

/// Timed prices checked (each window readable) and stored as JSON.
fn timed_prices_json(timed: &[TimedPrice]) -> Result<String, Vec<FieldError>> {
    let errors: Vec<FieldError> = timed
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Daypart::parse(&format!("timed_prices[{i}].hours"), &t.hours).err())
        .flatten()
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::to_string(timed)
        .map_err(|e| vec![FieldError::new("timed_prices", "invalid", e.to_string())])
}

/// Serving hours checked and stored as JSON.
fn schedule_json(hours: Option<&WeeklyHours>) -> Result<Option<String>, Vec<FieldError>> {
    let Some(hours) = hours else {
        return Ok(None);
    };
    Daypart::parse("schedule", hours)?;
    serde_json::to_string(hours)
        .map(Some)
        .map_err(|e| vec![FieldError::new("schedule", "invalid", e.to_string())])
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
        let now = self.clock.now();
        if let Some(snapshot) = self.menu.fresh(now) {
            return Ok(snapshot);
        }
        let snapshot = Arc::new(self.build_menu(DEFAULT_VENUE, self.now()).await?);
        self.menu.store(snapshot.clone(), now);
        Ok(snapshot)
    }

    async fn menu_at(
        &self,
        venue_id: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<Menu, CatalogError> {
        let at = at.map_or_else(|| self.now(), |at| at.trunc_subsecs(6).naive_utc());
        self.build_menu(venue_id, at).await
    }

    async fn items_by_ids(
        &self,
        ids: &[String],
        venue_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Vec<MenuItem>, CatalogError> {
        let here = self.here(venue_id).await?;
        let at = at.trunc_subsecs(6).naive_utc();
        Ok(self
            .item_parts(ids)
            .await?
            .iter()
            .map(|parts| parts.assemble(at, Some(&here)))
            .collect())
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
        let schedule = schedule_json(input.schedule.as_ref()).map_err(CatalogError::Validation)?;
        let now = Utc::now().naive_utc();
        let row = CategoryRow {
            id: new_id("cat"),
            name,
            description: input.description.trim().to_owned(),
            position: input.position,
            make_minutes: input.make_minutes,
            schedule,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let saved = row.clone();
        self.write(move |conn| match store::insert_category(conn, &row) {
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
        let schedule = match &patch.schedule {
            Some(hours) => Some(schedule_json(hours.as_ref()).map_err(CatalogError::Validation)?),
            None => None,
        };
        let key = id.to_owned();
        let updated = self
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
                if let Some(schedule) = schedule {
                    row.schedule = schedule;
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
        self.write(move |conn| {
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
            now: self.now(),
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
        let schedule = schedule_json(input.schedule.as_ref())
            .map_err(|mut e| errors.append(&mut e))
            .ok()
            .flatten();
        let timed_prices = timed_prices_json(&input.timed_prices)
            .map_err(|mut e| errors.append(&mut e))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(CatalogError::Validation(errors));
        }
        let (venue_ids, venue_prices) = self
            .offer_json(&Offer {
                venues: input.venue_ids,
                prices: input.venue_prices,
                timed: Vec::new(),
            })
            .await?;
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
            sold_out_until: None,
            stock: None,
            schedule,
            venue_ids,
            venue_prices,
            timed_prices,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let tree = group_tree(&row.id, &input.option_groups);
        let tags = tags.unwrap_or_default();
        let id = row.id.clone();
        self.write(move |conn| {
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
        let schedule = match &patch.schedule {
            Some(hours) => schedule_json(hours.as_ref())
                .map_err(|mut e| errors.append(&mut e))
                .ok(),
            None => None,
        };
        let timed_prices = patch.timed_prices.as_deref().and_then(|timed| {
            timed_prices_json(timed)
                .map_err(|mut e| errors.append(&mut e))
                .ok()
        });
        if !errors.is_empty() {
            return Err(CatalogError::Validation(errors));
        }
        let offer = match (&patch.venue_ids, &patch.venue_prices) {
            (None, None) => None,
            (venues, prices) => {
                // What is not sent stays: read it to check the whole offer.
                let current = self.load_item(id).await?;
                let offer = Offer {
                    venues: venues.clone().unwrap_or(current.venue_ids),
                    prices: prices.clone().unwrap_or(current.venue_prices),
                    timed: Vec::new(),
                };
                Some(self.offer_json(&offer).await?)
            }
        };

        let key = id.to_owned();
        let now = self.now();
        let announced = self
            .write(move |conn| {
                let Some(mut row) = store::item_row(conn, &key)? else {
                    return Err(CatalogError::ItemNotFound(key));
                };
                let was_orderable = item_orderable(&row, now);
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
                if let Some(v) = schedule {
                    row.schedule = v;
                }
                if let Some(v) = timed_prices {
                    row.timed_prices = v;
                }
                if let Some((venue_ids, venue_prices)) = offer {
                    row.venue_ids = venue_ids;
                    row.venue_prices = venue_prices;
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
                if patch.available == Some(true)
                    && (row.sold_out_until.is_some() || row.stock == Some(0))
                {
                    // Offered again: no longer sold out either.
                    row.sold_out_until = None;
                    row.stock = row.stock.filter(|left| *left > 0);
                    store::set_item_stock(conn, &row.id, None, row.stock, now)?;
                }
                let announce = item_orderable(&row, now) != was_orderable;
                if announce {
                    Outbox.append(conn, &[item_event(&row, now)])?;
                }
                Ok(announce)
            })
            .await?;
        if announced {
            self.wake.published();
        }
        self.menu.invalidate();
        self.load_item(id).await
    }

    async fn sell_out(
        &self,
        editor: &Call,
        id: &str,
        sold_out: SoldOut,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        let until = self.comes_back_at(&sold_out).await?;
        match sold_out.venue_id {
            Some(venue_id) => self.restock_at_venue(id, &venue_id, until).await,
            None => self.restock_item(id, Some(until), None).await,
        }
    }

    async fn bring_back(
        &self,
        editor: &Call,
        id: &str,
        venue_id: Option<String>,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        if let Some(venue_id) = venue_id {
            return self.restock_at_venue(id, &venue_id, None).await;
        }
        // Back now everywhere; portions run out are no longer counted.
        let item = self.load_item(id).await?;
        let stock = item.stock.filter(|left| *left > 0);
        let key = id.to_owned();
        self.write(move |c| {
            store::bring_back_at_venues(c, &key, None, None).map_err(CatalogError::from)
        })
        .await?;
        self.restock_item(id, Some(None), Some(stock)).await
    }

    async fn set_stock(
        &self,
        editor: &Call,
        id: &str,
        quantity: Option<u32>,
        venue_id: Option<String>,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        let quantity = quantity.map(|q| q.min(i32::MAX as u32) as i32);
        let sold_out_until = match quantity {
            // None left: sold out until the venue's next day, like a count run down.
            Some(0) => Some(
                self.comes_back_at(&SoldOut {
                    until: None,
                    venue_id,
                })
                .await?,
            ),
            Some(_) => Some(None),
            None => None,
        };
        self.restock_item(id, sold_out_until, Some(quantity)).await
    }

    async fn sell_out_option(
        &self,
        editor: &Call,
        option_id: &str,
        sold_out: SoldOut,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        let until = self.comes_back_at(&sold_out).await?;
        self.restock_option(option_id, until).await
    }

    async fn bring_back_option(
        &self,
        editor: &Call,
        option_id: &str,
    ) -> Result<MenuItem, CatalogError> {
        may_edit(editor)?;
        self.restock_option(option_id, None).await
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
        self.write(move |conn| {
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

fn item_orderable(row: &ItemRow, now: NaiveDateTime) -> bool {
    row.stocked().orderable_at(now.and_utc())
}

/// What the catalog reads of `order.paid`: the items and how many of each.
#[derive(Deserialize)]
struct OrderPaid {
    #[serde(default)]
    venue_id: Option<String>,
    #[serde(default)]
    lines: Vec<PaidLine>,
}

#[derive(Deserialize)]
struct PaidLine {
    #[serde(default)]
    item_id: Option<String>,
    quantity: u32,
}

#[async_trait]
impl EventHandler for CatalogService {
    /// `order.paid`: each counted item loses the portions the order took; one that runs out
    /// is sold out until the venue's next day.
    async fn handle(&self, event: &Event) -> Result<(), String> {
        if event.event_type != "order.paid" {
            return Ok(());
        }
        let paid: OrderPaid = event.payload(&[1])?;
        let mut taken: Vec<(String, u32)> = Vec::new();
        for line in paid.lines {
            let Some(item_id) = line.item_id else {
                continue;
            };
            match taken.iter_mut().find(|(id, _)| *id == item_id) {
                Some((_, quantity)) => *quantity += line.quantity,
                None => taken.push((item_id, line.quantity)),
            }
        }
        // As the catalog stands after the order was paid.
        let counted = self.counted_ids().await.map_err(|e| e.to_string())?;
        taken.retain(|(id, _)| counted.contains(id));
        if taken.is_empty() {
            // Nothing counted: nothing to change, nothing to remember.
            return Ok(());
        }
        let venue = paid.venue_id.as_deref().unwrap_or(DEFAULT_VENUE);
        let now = self.now();
        let next_day = match self.venues.next_day(venue, Some(now.and_utc())).await {
            Ok(at) => at.trunc_subsecs(6).naive_utc(),
            Err(VenuesError::NotFound(_)) => {
                (now.and_utc() + chrono::TimeDelta::days(1)).naive_utc()
            }
            Err(e) => return Err(e.to_string()),
        };
        store::TABLES
            .consume(&self.db, &self.wake, event, move |c, out| {
                store::raise_revision(c)?;
                for (item_id, quantity) in &taken {
                    let Some(row) = store::item_row(c, item_id)? else {
                        continue;
                    };
                    let Some(left) = row.stock else { continue };
                    let now_left = availability::take(left, *quantity);
                    let sold_out_until = if now_left == 0 && left > 0 {
                        Some(next_day)
                    } else {
                        row.sold_out_until
                    };
                    store::set_item_stock(c, item_id, sold_out_until, Some(now_left), now)?;
                    let changed = ItemRow {
                        sold_out_until,
                        stock: Some(now_left),
                        ..row
                    };
                    out.publish(item_event(&changed, now));
                }
                Ok::<_, CatalogError>(())
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
