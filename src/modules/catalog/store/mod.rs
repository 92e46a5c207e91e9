//! Catalog's storage: its own tables, reached only through these functions.

mod item_parts;
mod schema;

pub use item_parts::ItemParts;

pub use schema::{Outbox, TABLES};

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::prelude::*;

use crate::modules::catalog::api::{Category, MenuItem, TimedPrice};
use crate::modules::catalog::domain::availability::{Here, Stocked};
use crate::modules::catalog::domain::daypart::Daypart;
use crate::modules::catalog::domain::offer::Offer;
use crate::modules::venues::api::WeeklyHours;
use crate::platform::db::stored;
use crate::platform::db::{DbConn, one_of};
use schema::{
    catalog_categories as categories, catalog_item_tags as tags, catalog_items as items,
    catalog_option_groups as groups, catalog_options as options, catalog_revision as revision,
    catalog_venue_sold_out as venue_sold_out,
};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = categories, treat_none_as_default_value = false)]
pub struct CategoryRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub make_minutes: i32,
    /// JSON weekly windows; NULL: whenever the venue is open.
    pub schedule: Option<String>,
}

impl From<CategoryRow> for Category {
    fn from(r: CategoryRow) -> Self {
        Category {
            id: r.id,
            name: r.name,
            description: r.description,
            position: r.position,
            make_minutes: r.make_minutes,
            schedule: r
                .schedule
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok()),
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = items, treat_none_as_default_value = false)]
pub struct ItemRow {
    pub id: String,
    pub category_id: String,
    pub name: String,
    pub description: String,
    pub price: i64,
    pub currency: String,
    pub available: bool,
    pub position: i32,
    pub station: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// NULL: the category's.
    pub make_minutes: Option<i32>,
    pub sold_out_until: Option<NaiveDateTime>,
    /// Portions left, when counted.
    pub stock: Option<i32>,
    /// JSON weekly windows; NULL: its category's.
    pub schedule: Option<String>,
    /// JSON array of the venues offering it; NULL: every venue.
    pub venue_ids: Option<String>,
    /// JSON object of prices by venue.
    pub venue_prices: String,
    /// JSON array of prices in force at set times.
    pub timed_prices: String,
}

impl ItemRow {
    /// Its prices in force at set times, as stored.
    pub fn timed_prices(&self) -> QueryResult<Vec<TimedPrice>> {
        stored::json("catalog_items.timed_prices", &self.timed_prices)
    }

    /// Where it is offered and at what price, as stored.
    pub fn offer(&self) -> QueryResult<Offer> {
        let timed = self
            .timed_prices()?
            .iter()
            .map(|t| {
                Daypart::parse("catalog_items.timed_prices", &t.hours)
                    .map(|window| (window, t.price))
                    .map_err(|e| stored::unreadable(format!("{e:?}")))
            })
            .collect::<QueryResult<_>>()?;
        Ok(Offer {
            timed,
            venues: self
                .venue_ids
                .as_deref()
                .map(|text| stored::json("catalog_items.venue_ids", text))
                .transpose()?,
            prices: stored::json("catalog_items.venue_prices", &self.venue_prices)?,
        })
    }

    pub fn stocked(&self) -> Stocked {
        Stocked {
            offered: self.available,
            sold_out_until: self.sold_out_until.map(|t| t.and_utc()),
            stock: self.stock,
        }
    }
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = groups, treat_none_as_default_value = false)]
pub struct GroupRow {
    pub id: String,
    pub item_id: String,
    pub name: String,
    pub min_choices: i32,
    pub max_choices: i32,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = options, treat_none_as_default_value = false)]
pub struct OptionRow {
    pub id: String,
    pub group_id: String,
    pub name: String,
    pub price_delta: i64,
    pub position: i32,
    pub sold_out_until: Option<NaiveDateTime>,
}

/// An item's option groups with their options, as stored.
pub type GroupTree = Vec<(GroupRow, Vec<OptionRow>)>;

// ---- categories -------------------------------------------------------------------------

pub fn insert_category(conn: &mut DbConn, row: &CategoryRow) -> QueryResult<()> {
    diesel::insert_into(categories::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn category(conn: &mut DbConn, id: &str) -> QueryResult<Option<CategoryRow>> {
    categories::table.find(id).first(conn).optional()
}

/// Writes `row` if the stored version is still `expected`; returns whether it did.
pub fn update_category(conn: &mut DbConn, row: &CategoryRow, expected: i32) -> QueryResult<bool> {
    diesel::update(
        categories::table
            .filter(categories::id.eq(&row.id))
            .filter(categories::version.eq(expected)),
    )
    .set((
        categories::name.eq(&row.name),
        categories::description.eq(&row.description),
        categories::position.eq(row.position),
        categories::make_minutes.eq(row.make_minutes),
        categories::schedule.eq(&row.schedule),
        categories::version.eq(row.version),
        categories::updated_at.eq(row.updated_at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn delete_category(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(categories::table.find(id))
        .execute(conn)
        .map(|n| n == 1)
}

pub fn category_has_items(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    let n: i64 = items::table
        .filter(items::category_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Up to `limit` categories after the `(position, id)` cursor, in menu order.
pub fn categories_page(
    conn: &mut DbConn,
    after: Option<(i32, String)>,
    limit: i64,
) -> QueryResult<Vec<CategoryRow>> {
    let mut q = categories::table.into_boxed();
    if let Some((position, id)) = after {
        q = q.filter(
            categories::position
                .gt(position)
                .or(categories::position.eq(position).and(categories::id.gt(id))),
        );
    }
    q.order((categories::position.asc(), categories::id.asc()))
        .limit(limit)
        .load(conn)
}

pub fn all_categories(conn: &mut DbConn) -> QueryResult<Vec<CategoryRow>> {
    categories::table
        .order((categories::position.asc(), categories::id.asc()))
        .load(conn)
}

// ---- items ------------------------------------------------------------------------------

pub fn insert_item(
    conn: &mut DbConn,
    row: &ItemRow,
    item_tags: &[String],
    tree: &GroupTree,
) -> QueryResult<()> {
    diesel::insert_into(items::table)
        .values(row)
        .execute(conn)?;
    replace_tags(conn, &row.id, item_tags)?;
    insert_groups(conn, tree)
}

pub fn replace_tags(conn: &mut DbConn, item_id: &str, item_tags: &[String]) -> QueryResult<()> {
    diesel::delete(tags::table.filter(tags::item_id.eq(item_id))).execute(conn)?;
    for tag in item_tags {
        diesel::insert_into(tags::table)
            .values((tags::item_id.eq(item_id), tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes the item's groups (their options cascade) and inserts `tree` in their place.
pub fn replace_groups(conn: &mut DbConn, item_id: &str, tree: &GroupTree) -> QueryResult<()> {
    let old: Vec<String> = groups::table
        .filter(groups::item_id.eq(item_id))
        .select(groups::id)
        .load(conn)?;
    diesel::delete(options::table.filter(one_of(options::group_id, &old))).execute(conn)?;
    diesel::delete(groups::table.filter(groups::item_id.eq(item_id))).execute(conn)?;
    insert_groups(conn, tree)
}

fn insert_groups(conn: &mut DbConn, tree: &GroupTree) -> QueryResult<()> {
    for (group, opts) in tree {
        diesel::insert_into(groups::table)
            .values(group)
            .execute(conn)?;
        for opt in opts {
            diesel::insert_into(options::table)
                .values(opt)
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn item_row(conn: &mut DbConn, id: &str) -> QueryResult<Option<ItemRow>> {
    items::table.find(id).first(conn).optional()
}

/// Writes `row` if the stored version is still `expected`; returns whether it did.
pub fn update_item(conn: &mut DbConn, row: &ItemRow, expected: i32) -> QueryResult<bool> {
    diesel::update(
        items::table
            .filter(items::id.eq(&row.id))
            .filter(items::version.eq(expected)),
    )
    .set((
        items::category_id.eq(&row.category_id),
        items::name.eq(&row.name),
        items::description.eq(&row.description),
        items::price.eq(row.price),
        items::currency.eq(&row.currency),
        items::available.eq(row.available),
        items::position.eq(row.position),
        items::station.eq(&row.station),
        items::make_minutes.eq(row.make_minutes),
        items::schedule.eq(&row.schedule),
        items::venue_ids.eq(&row.venue_ids),
        items::venue_prices.eq(&row.venue_prices),
        items::timed_prices.eq(&row.timed_prices),
        items::version.eq(row.version),
        items::updated_at.eq(row.updated_at),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn delete_item(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    bring_back_at_venues(conn, id, None, None)?;
    replace_groups(conn, id, &Vec::new())?;
    replace_tags(conn, id, &[])?;
    diesel::delete(items::table.find(id))
        .execute(conn)
        .map(|n| n == 1)
}

pub struct ItemQuery {
    pub category_id: Option<String>,
    pub tag: Option<String>,
    pub available: Option<bool>,
    pub after: Option<(i32, String)>,
    pub limit: i64,
    /// What `available` means: orderable at this instant.
    pub now: NaiveDateTime,
}

/// Not sold out at an instant.
type BackBy =
    dsl::Or<dsl::IsNull<items::sold_out_until>, dsl::LtEq<items::sold_out_until, NaiveDateTime>>;
/// Portions left, or not counted.
type Left = dsl::Or<dsl::IsNull<items::stock>, dsl::Gt<items::stock, i32>>;

/// Items orderable at `now`: offered, not sold out then, portions left.
fn orderable(
    now: NaiveDateTime,
) -> dsl::And<dsl::And<dsl::Eq<items::available, bool>, BackBy>, Left> {
    items::available
        .eq(true)
        .and(
            items::sold_out_until
                .is_null()
                .or(items::sold_out_until.le(now)),
        )
        .and(items::stock.is_null().or(items::stock.gt(0)))
}

pub fn items_page(conn: &mut DbConn, q: ItemQuery) -> QueryResult<Vec<MenuItem>> {
    let mut query = items::table.into_boxed();
    if let Some(category_id) = q.category_id {
        query = query.filter(items::category_id.eq(category_id));
    }
    match q.available {
        Some(true) => query = query.filter(orderable(q.now)),
        Some(false) => query = query.filter(dsl::not(orderable(q.now))),
        None => {}
    }
    if let Some(tag) = q.tag {
        query = query
            .filter(items::id.eq_any(tags::table.filter(tags::tag.eq(tag)).select(tags::item_id)));
    }
    if let Some((position, id)) = q.after {
        query = query.filter(
            items::position
                .gt(position)
                .or(items::position.eq(position).and(items::id.gt(id))),
        );
    }
    let rows: Vec<ItemRow> = query
        .order((items::position.asc(), items::id.asc()))
        .limit(q.limit)
        .load(conn)?;
    with_children(conn, rows, q.now, None)
}

/// The items of `ids` that exist, as stored, with their children.
pub fn item_parts(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<ItemParts>> {
    let rows: Vec<ItemRow> = items::table.filter(one_of(items::id, ids)).load(conn)?;
    item_parts::load(conn, rows)
}

/// The items orderable at `at` at venue `here`, for its menu.
pub fn available_items(
    conn: &mut DbConn,
    at: NaiveDateTime,
    here: &Here,
) -> QueryResult<Vec<MenuItem>> {
    let rows: Vec<ItemRow> = items::table.filter(orderable(at)).load(conn)?;
    let mut served = with_children(conn, rows, at, Some(here))?;
    served.retain(|item| item.available);
    Ok(served)
}

/// `rows` with their children, as of `now`, at venue `here` when given.
fn with_children(
    conn: &mut DbConn,
    rows: Vec<ItemRow>,
    now: NaiveDateTime,
    here: Option<&Here>,
) -> QueryResult<Vec<MenuItem>> {
    Ok(item_parts::load(conn, rows)?
        .iter()
        .map(|parts| parts.assemble(now, here))
        .collect())
}

/// Stored weekly windows as the API shows them and as the domain reads them.
fn daypart(
    column: &str,
    text: Option<&str>,
) -> QueryResult<(Option<WeeklyHours>, Option<Daypart>)> {
    let Some(text) = text else {
        return Ok((None, None));
    };
    let hours: WeeklyHours = stored::json(column, text)?;
    let daypart = Daypart::parse(column, &hours)
        .map_err(|errors| stored::unreadable(format!("{column} is not readable: {errors:?}")))?;
    Ok((Some(hours), Some(daypart)))
}

// ---- sold out and portions ---------------------------------------------------------------

/// Sets when the item comes back (`None`: back now) and its portions; a new version.
pub fn set_item_stock(
    conn: &mut DbConn,
    id: &str,
    sold_out_until: Option<NaiveDateTime>,
    stock: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(items::table.find(id))
        .set((
            items::sold_out_until.eq(sold_out_until),
            items::stock.eq(stock),
            items::version.eq(items::version + 1),
            items::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// The item holding option `option_id`, if any.
pub fn item_of_option(conn: &mut DbConn, option_id: &str) -> QueryResult<Option<String>> {
    options::table
        .inner_join(groups::table.on(groups::id.eq(options::group_id)))
        .filter(options::id.eq(option_id))
        .select(groups::item_id)
        .first(conn)
        .optional()
}

/// Sets when the option comes back (`None`: back now); the item holding it gets a new
/// version.
pub fn set_option_sold_out(
    conn: &mut DbConn,
    item_id: &str,
    option_id: &str,
    sold_out_until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(options::table.find(option_id))
        .set(options::sold_out_until.eq(sold_out_until))
        .execute(conn)?;
    diesel::update(items::table.find(item_id))
        .set((
            items::version.eq(items::version + 1),
            items::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Something sold out whose time to come back has come: the item, or one of its options.
pub struct Due {
    pub item_id: String,
    pub option_id: Option<String>,
    /// Sold out at this venue only.
    pub venue_id: Option<String>,
    pub sold_out_until: NaiveDateTime,
}

/// Up to `limit` items and options due back at `now`, earliest first.
pub fn due_back(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Due>> {
    let items_due: Vec<(String, Option<NaiveDateTime>)> = items::table
        .filter(items::sold_out_until.le(now))
        .order(items::sold_out_until.asc())
        .limit(limit)
        .select((items::id, items::sold_out_until))
        .load(conn)?;
    let options_due: Vec<(String, String, Option<NaiveDateTime>)> = options::table
        .inner_join(groups::table.on(groups::id.eq(options::group_id)))
        .filter(options::sold_out_until.le(now))
        .order(options::sold_out_until.asc())
        .limit(limit)
        .select((groups::item_id, options::id, options::sold_out_until))
        .load(conn)?;
    let venues_due: Vec<(String, String, NaiveDateTime)> = venue_sold_out::table
        .filter(venue_sold_out::sold_out_until.le(now))
        .order(venue_sold_out::sold_out_until.asc())
        .limit(limit)
        .load(conn)?;
    let items_due = items_due.into_iter().filter_map(|(item_id, until)| {
        Some(Due {
            item_id,
            option_id: None,
            venue_id: None,
            sold_out_until: until?,
        })
    });
    let venues_due = venues_due
        .into_iter()
        .map(|(item_id, venue_id, sold_out_until)| Due {
            item_id,
            option_id: None,
            venue_id: Some(venue_id),
            sold_out_until,
        });
    let options_due = options_due
        .into_iter()
        .filter_map(|(item_id, option_id, until)| {
            Some(Due {
                item_id,
                option_id: Some(option_id),
                venue_id: None,
                sold_out_until: until?,
            })
        });
    Ok(items_due.chain(options_due).chain(venues_due).collect())
}

/// Brings `due` back if it is still sold out until the same time (another replica, or
/// staff, may have been first): an item's count of portions ends with it. Whether it did.
pub fn bring_back(conn: &mut DbConn, due: &Due, now: NaiveDateTime) -> QueryResult<bool> {
    if let Some(venue_id) = &due.venue_id {
        let n = bring_back_at_venues(conn, &due.item_id, Some(venue_id), Some(due.sold_out_until))?;
        if n == 1 {
            touch_item(conn, &due.item_id, now)?;
        }
        return Ok(n == 1);
    }
    let n = match &due.option_id {
        None => diesel::update(
            items::table
                .filter(items::id.eq(&due.item_id))
                .filter(items::sold_out_until.eq(due.sold_out_until)),
        )
        .set((
            items::sold_out_until.eq(None::<NaiveDateTime>),
            items::stock.eq(None::<i32>),
            items::version.eq(items::version + 1),
            items::updated_at.eq(now),
        ))
        .execute(conn)?,
        Some(option_id) => {
            let n = diesel::update(
                options::table
                    .filter(options::id.eq(option_id))
                    .filter(options::sold_out_until.eq(due.sold_out_until)),
            )
            .set(options::sold_out_until.eq(None::<NaiveDateTime>))
            .execute(conn)?;
            if n == 1 {
                diesel::update(items::table.find(&due.item_id))
                    .set((
                        items::version.eq(items::version + 1),
                        items::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            n
        }
    };
    Ok(n == 1)
}

/// Sells item `item_id` out at venue `venue_id` only, until `until`; a new version.
pub fn sell_out_at_venue(
    conn: &mut DbConn,
    item_id: &str,
    venue_id: &str,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    bring_back_at_venues(conn, item_id, Some(venue_id), None)?;
    diesel::insert_into(venue_sold_out::table)
        .values((
            venue_sold_out::item_id.eq(item_id),
            venue_sold_out::venue_id.eq(venue_id),
            venue_sold_out::sold_out_until.eq(until),
        ))
        .execute(conn)?;
    touch_item(conn, item_id, now)
}

/// Ends item `item_id`'s sell-outs at venue `venue_id` (every venue's when `None`), only if
/// still until `until` when given; how many ended.
pub fn bring_back_at_venues(
    conn: &mut DbConn,
    item_id: &str,
    venue_id: Option<&str>,
    until: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    let mut query = diesel::delete(venue_sold_out::table)
        .filter(venue_sold_out::item_id.eq(item_id))
        .into_boxed();
    if let Some(venue_id) = venue_id {
        query = query.filter(venue_sold_out::venue_id.eq(venue_id));
    }
    if let Some(until) = until {
        query = query.filter(venue_sold_out::sold_out_until.eq(until));
    }
    query.execute(conn)
}

/// A new version of item `item_id`.
pub fn touch_item(conn: &mut DbConn, item_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(items::table.find(item_id))
        .set((
            items::version.eq(items::version + 1),
            items::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The items whose portions are counted.
pub fn counted_ids(conn: &mut DbConn) -> QueryResult<HashSet<String>> {
    let ids: Vec<String> = items::table
        .filter(items::stock.is_not_null())
        .select(items::id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

// ---- revision ----------------------------------------------------------------------------

/// The catalog revision: raised by every change to what the catalog stores.
pub fn revision(conn: &mut DbConn) -> QueryResult<i64> {
    crate::per_backend!(conn, |c| revision::table
        .select(revision::revision)
        .filter(revision::id.eq(1))
        .first(c))
}

/// Raises the catalog revision, in the caller's transaction: every process drops the items
/// it kept from before it (see `service::priced_items`).
pub fn raise_revision(conn: &mut DbConn) -> QueryResult<()> {
    diesel::update(revision::table.filter(revision::id.eq(1)))
        .set(revision::revision.eq(revision::revision + 1))
        .execute(conn)
        .map(|_| ())
}
