//! An item as stored, with everything it is shown with, read and parsed once: what the
//! catalog keeps between baskets, and assembles into a [`MenuItem`] at a moment and a venue.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{
    catalog_categories as categories, catalog_item_tags as tags, catalog_option_groups as groups,
    catalog_options as options, catalog_venue_sold_out as venue_sold_out,
};
use super::{GroupRow, ItemRow, OptionRow, daypart};
use crate::modules::catalog::api::{MenuItem, OptionChoice, OptionGroup, TimedPrice};
use crate::modules::catalog::domain::availability::{self, Here, sold_out_at};
use crate::modules::catalog::domain::daypart::Daypart;
use crate::modules::catalog::domain::offer::Offer;
use crate::modules::venues::api::WeeklyHours;
use crate::platform::db::{DbConn, one_of};

/// One item and its children as stored, its JSON columns already parsed.
#[derive(Debug, Clone)]
pub struct ItemParts {
    row: ItemRow,
    /// Its own serving hours, as shown and as read.
    schedule: Option<WeeklyHours>,
    own_daypart: Option<Daypart>,
    category_daypart: Option<Daypart>,
    category_make_minutes: Option<i32>,
    offer: Offer,
    timed_prices: Vec<TimedPrice>,
    /// Sell-outs at one venue, ended or not.
    sold_out_at_venues: BTreeMap<String, NaiveDateTime>,
    tags: Vec<String>,
    groups: Vec<(GroupRow, Vec<OptionRow>)>,
}

impl ItemParts {
    pub fn id(&self) -> &str {
        &self.row.id
    }

    /// A plain item with nothing but its id, for tests of what keeps items.
    #[cfg(test)]
    pub fn sample(id: &str) -> Self {
        let epoch = NaiveDateTime::default();
        Self {
            row: ItemRow {
                id: id.to_owned(),
                category_id: "cat_sample".into(),
                name: id.to_owned(),
                description: String::new(),
                price: 100,
                currency: "EUR".into(),
                available: true,
                position: 0,
                station: "bar".into(),
                version: 1,
                created_at: epoch,
                updated_at: epoch,
                make_minutes: None,
                sold_out_until: None,
                stock: None,
                schedule: None,
                venue_ids: None,
                venue_prices: "{}".into(),
                timed_prices: "[]".into(),
            },
            schedule: None,
            own_daypart: None,
            category_daypart: None,
            category_make_minutes: None,
            offer: Offer::default(),
            timed_prices: Vec::new(),
            sold_out_at_venues: BTreeMap::new(),
            tags: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// The item as shown at `now`, at venue `here` (its offer, price, serving hours and
    /// sell-outs) when given.
    pub fn assemble(&self, now: NaiveDateTime, here: Option<&Here>) -> MenuItem {
        let at = now.and_utc();
        let r = &self.row;
        let served = self.own_daypart.as_ref().or(self.category_daypart.as_ref());
        // Sell-outs at one venue that have not ended yet.
        let sold_out_at_venues: BTreeMap<String, DateTime<Utc>> = self
            .sold_out_at_venues
            .iter()
            .map(|(venue, until)| (venue.clone(), until.and_utc()))
            .filter(|(_, until)| *until > at)
            .collect();
        let stocked = match here.and_then(|h| sold_out_at_venues.get(&h.venue_id)) {
            Some(&until) => r.stocked().sold_out_until_at_least(until, at),
            None => r.stocked(),
        };
        let unavailable = availability::unavailable_here(&stocked, &self.offer, served, here, at);
        MenuItem {
            available: unavailable.is_none(),
            unavailable,
            schedule: self.schedule.clone(),
            // Only what is offered at all can be sold out.
            sold_out_until: stocked.sold_out_until.filter(|_| r.available),
            sold_out_at_venues,
            stock: r.stock,
            effective_make_minutes: r.make_minutes.or(self.category_make_minutes).unwrap_or(0),
            tags: self.tags.clone(),
            option_groups: self
                .groups
                .iter()
                .map(|(g, options)| OptionGroup {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    min_choices: g.min_choices,
                    max_choices: g.max_choices,
                    options: options
                        .iter()
                        .map(|o| OptionChoice {
                            available: !sold_out_at(o.sold_out_until.map(|t| t.and_utc()), at),
                            sold_out_until: o.sold_out_until.map(|t| t.and_utc()),
                            id: o.id.clone(),
                            name: o.name.clone(),
                            price_delta: o.price_delta,
                        })
                        .collect(),
                })
                .collect(),
            id: r.id.clone(),
            category_id: r.category_id.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            price: here.map_or(r.price, |h| {
                self.offer.price_at(&h.venue_id, h.tz, at, r.price)
            }),
            venue_ids: self.offer.venues.clone(),
            venue_prices: self.offer.prices.clone(),
            timed_prices: self.timed_prices.clone(),
            currency: r.currency.clone(),
            position: r.position,
            station: r.station.clone(),
            make_minutes: r.make_minutes,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

/// Reads the tags, groups, options, venue sell-outs and categories of `rows` in five queries,
/// whatever their number.
pub fn load(conn: &mut DbConn, rows: Vec<ItemRow>) -> QueryResult<Vec<ItemParts>> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let category_ids: Vec<&String> = rows.iter().map(|r| &r.category_id).collect();
    let mut category_make_minutes: HashMap<String, i32> = HashMap::new();
    let mut category_dayparts: HashMap<String, Daypart> = HashMap::new();
    for (id, make_minutes, schedule) in categories::table
        .filter(one_of(categories::id, &category_ids))
        .select((
            categories::id,
            categories::make_minutes,
            categories::schedule,
        ))
        .load::<(String, i32, Option<String>)>(conn)?
    {
        if let Some(daypart) = daypart("catalog_categories.schedule", schedule.as_deref())?.1 {
            category_dayparts.insert(id.clone(), daypart);
        }
        category_make_minutes.insert(id, make_minutes);
    }
    let mut sold_out_by_item: HashMap<String, BTreeMap<String, NaiveDateTime>> = HashMap::new();
    for (item_id, venue_id, until) in venue_sold_out::table
        .filter(one_of(venue_sold_out::item_id, &ids))
        .load::<(String, String, NaiveDateTime)>(conn)?
    {
        sold_out_by_item
            .entry(item_id)
            .or_default()
            .insert(venue_id, until);
    }
    let tag_rows: Vec<(String, String)> = tags::table
        .filter(one_of(tags::item_id, &ids))
        .order((tags::item_id.asc(), tags::tag.asc()))
        .load(conn)?;
    let group_rows: Vec<GroupRow> = groups::table
        .filter(one_of(groups::item_id, &ids))
        .order((groups::position.asc(), groups::id.asc()))
        .load(conn)?;
    let group_ids: Vec<&String> = group_rows.iter().map(|g| &g.id).collect();
    let option_rows: Vec<OptionRow> = options::table
        .filter(one_of(options::group_id, &group_ids))
        .order((options::position.asc(), options::id.asc()))
        .load(conn)?;

    let mut tags_by_item: HashMap<String, Vec<String>> = HashMap::new();
    for (item_id, tag) in tag_rows {
        tags_by_item.entry(item_id).or_default().push(tag);
    }
    let mut options_by_group: HashMap<String, Vec<OptionRow>> = HashMap::new();
    for o in option_rows {
        options_by_group
            .entry(o.group_id.clone())
            .or_default()
            .push(o);
    }
    let mut groups_by_item: HashMap<String, Vec<(GroupRow, Vec<OptionRow>)>> = HashMap::new();
    for g in group_rows {
        let options = options_by_group.remove(&g.id).unwrap_or_default();
        groups_by_item
            .entry(g.item_id.clone())
            .or_default()
            .push((g, options));
    }
    rows.into_iter()
        .map(|row| {
            let (schedule, own_daypart) =
                daypart("catalog_items.schedule", row.schedule.as_deref())?;
            Ok(ItemParts {
                schedule,
                own_daypart,
                category_daypart: category_dayparts.get(&row.category_id).cloned(),
                category_make_minutes: category_make_minutes.get(&row.category_id).copied(),
                offer: row.offer()?,
                timed_prices: row.timed_prices()?,
                sold_out_at_venues: sold_out_by_item.remove(&row.id).unwrap_or_default(),
                tags: tags_by_item.remove(&row.id).unwrap_or_default(),
                groups: groups_by_item.remove(&row.id).unwrap_or_default(),
                row,
            })
        })
        .collect()
}
