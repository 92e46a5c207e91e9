//! Turning requested lines into priced lines, from the catalog's current data only.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::modules::catalog::api::{MenuItem, Unavailability, UnavailableReason};
use crate::modules::ordering::api::{ChosenOption, NewOrderLine, OrderLine};
use crate::modules::ordering::domain::promise::Work;
use crate::platform::ids::new_id;
use crate::platform::validation::FieldError;

pub struct Limits {
    pub max_lines: usize,
    pub max_quantity: u32,
}

#[derive(Debug)]
pub struct Priced {
    pub lines: Vec<OrderLine>,
    pub subtotal: i64,
    pub currency: String,
    /// What making it takes, from the items' make times.
    pub work: Work,
}

/// Why a basket cannot be priced.
#[derive(Debug, PartialEq)]
pub enum Unpriceable {
    /// The request itself is wrong: unknown items or options, bad quantities (422).
    Invalid(Vec<FieldError>),
    /// Lines that cannot be had at the time asked — sold out, not served then, not enough
    /// left (409) — each named; `code` is the first's, `available_at` when all could be.
    Unavailable {
        code: String,
        lines: Vec<FieldError>,
        available_at: Option<DateTime<Utc>>,
    },
}

/// A line refused for now, and from when it could be had.
struct Refused {
    line: FieldError,
    until: Option<DateTime<Utc>>,
}

/// Prices every line from items as the catalog has them at the time the order is wanted,
/// collecting every problem (each naming its line) rather than the first.
pub fn price(
    requested: &[NewOrderLine],
    items: &HashMap<String, MenuItem>,
    limits: &Limits,
) -> Result<Priced, Unpriceable> {
    let mut errors = Vec::new();
    let mut refused: Vec<Refused> = Vec::new();
    if requested.len() > limits.max_lines {
        errors.push(FieldError::new(
            "lines",
            "too_many",
            format!("an order holds at most {} lines", limits.max_lines),
        ));
    }
    let mut lines = Vec::new();
    let mut currency: Option<String> = None;
    let mut work = Work::default();
    for (i, line) in requested.iter().enumerate() {
        let at_field = |f: &str| format!("lines[{i}].{f}");
        if line.quantity == 0 || line.quantity > limits.max_quantity {
            errors.push(FieldError::new(
                at_field("quantity"),
                "out_of_range",
                format!("must be between 1 and {}", limits.max_quantity),
            ));
        }
        let Some(item) = items.get(&line.item_id) else {
            errors.push(FieldError::new(
                at_field("item_id"),
                "unknown_item",
                "no such menu item",
            ));
            continue;
        };
        let unavailable = item
            .unavailable
            .or((!item.available).then_some(Unavailability {
                reason: UnavailableReason::NotOffered,
                until: None,
            }));
        if let Some(unavailable) = unavailable {
            let until = unavailable.until;
            let when = until
                .map(|t| format!(" until {}", t.to_rfc3339()))
                .unwrap_or_default();
            let field = at_field("item_id");
            match unavailable.reason {
                UnavailableReason::NotOffered => errors.push(FieldError::new(
                    field,
                    "unavailable",
                    format!("{} is not available", item.name),
                )),
                UnavailableReason::NotAtThisVenue => refused.push(Refused {
                    line: FieldError::new(
                        field,
                        "item_not_at_venue",
                        format!("{} is not served at this venue", item.name),
                    ),
                    until: None,
                }),
                UnavailableReason::SoldOut => refused.push(Refused {
                    line: FieldError::new(
                        field,
                        "item_sold_out",
                        format!("{} is sold out{when}", item.name),
                    ),
                    until,
                }),
                UnavailableReason::OutsideItsHours => refused.push(Refused {
                    line: FieldError::new(
                        field,
                        "item_unavailable_at_time",
                        format!("{} is not served then; it is{when}", item.name),
                    ),
                    until,
                }),
            }
            continue;
        }
        if let Some(left) = item.stock.filter(|left| *left > 0)
            && line.quantity > left as u32
        {
            refused.push(Refused {
                line: FieldError::new(
                    at_field("quantity"),
                    "not_enough_left",
                    format!("only {left} {} left", item.name),
                ),
                until: None,
            });
        }
        match &currency {
            Some(c) if *c != item.currency => errors.push(FieldError::new(
                at_field("item_id"),
                "currency_mismatch",
                format!("is priced in {}, the order in {c}", item.currency),
            )),
            Some(_) => {}
            None => currency = Some(item.currency.clone()),
        }
        let make_minutes = item.effective_make_minutes.max(0) as u32;
        work.make_minutes = work
            .make_minutes
            .saturating_add(make_minutes.saturating_mul(line.quantity));
        work.longest_minutes = work.longest_minutes.max(make_minutes);
        match choose_options(item, &line.options, i, &mut refused) {
            Ok(options) => {
                let unit_price = item.price + options.iter().map(|o| o.price_delta).sum::<i64>();
                let line_total = unit_price.max(0).checked_mul(i64::from(line.quantity));
                match line_total {
                    Some(line_total) => lines.push(OrderLine {
                        id: new_id("lin"),
                        item_id: item.id.clone(),
                        name: item.name.clone(),
                        quantity: line.quantity,
                        unit_price: unit_price.max(0),
                        options,
                        line_total,
                        station: item.station.clone(),
                    }),
                    None => errors.push(FieldError::new(
                        at_field("quantity"),
                        "too_large",
                        "line total overflows",
                    )),
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(Unpriceable::Invalid(errors));
    }
    if let Some(first) = refused.first() {
        let code = first.line.code.clone();
        let available_at = refused
            .iter()
            .map(|r| r.until)
            .collect::<Option<Vec<_>>>()
            .and_then(|untils| untils.into_iter().max());
        return Err(Unpriceable::Unavailable {
            code,
            lines: refused.into_iter().map(|r| r.line).collect(),
            available_at,
        });
    }
    let subtotal = lines.iter().map(|l| l.line_total).sum();
    Ok(Priced {
        lines,
        subtotal,
        currency: currency.unwrap_or_default(),
        work,
    })
}

/// Checks the chosen option ids against the item's groups and their min/max choices.
fn choose_options(
    item: &MenuItem,
    chosen: &[String],
    line: usize,
    refused: &mut Vec<Refused>,
) -> Result<Vec<ChosenOption>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut picked = Vec::new();
    for (j, id) in chosen.iter().enumerate() {
        let field = format!("lines[{line}].options[{j}]");
        if !seen.insert(id.as_str()) {
            errors.push(FieldError::new(field, "duplicate", "option chosen twice"));
            continue;
        }
        let found = item.option_groups.iter().find_map(|g| {
            g.options
                .iter()
                .find(|o| &o.id == id)
                .map(|o| (g.id.clone(), o))
        });
        match found {
            Some((_, o)) if !o.available => {
                let when = o
                    .sold_out_until
                    .map(|t| format!(" until {}", t.to_rfc3339()))
                    .unwrap_or_default();
                refused.push(Refused {
                    line: FieldError::new(
                        field,
                        "option_sold_out",
                        format!("{} is sold out{when}", o.name),
                    ),
                    until: o.sold_out_until,
                });
            }
            Some((_, o)) => picked.push(ChosenOption {
                id: o.id.clone(),
                name: o.name.clone(),
                price_delta: o.price_delta,
            }),
            None => errors.push(FieldError::new(
                field,
                "unknown_option",
                format!("is not an option of {}", item.name),
            )),
        }
    }
    for group in &item.option_groups {
        let count = group
            .options
            .iter()
            .filter(|o| seen.contains(o.id.as_str()))
            .count() as i32;
        if count < group.min_choices || count > group.max_choices {
            errors.push(FieldError::new(
                format!("lines[{line}].options"),
                "choices_out_of_range",
                format!(
                    "{}: choose between {} and {}",
                    group.name, group.min_choices, group.max_choices
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(picked)
    } else {
        Err(errors)
    }
}

/// Tax on the subtotal in basis points, rounded half up, and the total.
pub fn totals(subtotal: i64, tax_rate_bps: u32, delivery_fee: i64) -> (i64, i64) {
    let tax = (subtotal * i64::from(tax_rate_bps) + 5_000) / 10_000;
    (tax, subtotal + tax + delivery_fee)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::catalog::api::{OptionChoice, OptionGroup};
    use chrono::Utc;

    fn item(id: &str, price: i64, available: bool) -> MenuItem {
        MenuItem {
            id: id.into(),
            category_id: "cat".into(),
            name: format!("Item {id}"),
            description: String::new(),
            price,
            venue_ids: None,
            venue_prices: Default::default(),
            timed_prices: Vec::new(),
            sold_out_at_venues: Default::default(),
            currency: "EUR".into(),
            tags: vec![],
            available,
            position: 0,
            station: "bar".into(),
            make_minutes: None,
            effective_make_minutes: 3,
            sold_out_until: None,
            stock: None,
            schedule: None,
            unavailable: None,
            version: 1,
            option_groups: vec![OptionGroup {
                id: "grp".into(),
                name: "Milk".into(),
                min_choices: 0,
                max_choices: 1,
                options: vec![
                    OptionChoice {
                        id: "oat".into(),
                        name: "Oat".into(),
                        price_delta: 40,
                        available: true,
                        sold_out_until: None,
                    },
                    OptionChoice {
                        id: "soy".into(),
                        name: "Soy".into(),
                        price_delta: 30,
                        available: true,
                        sold_out_until: None,
                    },
                ],
            }],
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn line(id: &str, quantity: u32, options: &[&str]) -> NewOrderLine {
        NewOrderLine {
            item_id: id.into(),
            quantity,
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }

    const LIMITS: Limits = Limits {
        max_lines: 3,
        max_quantity: 10,
    };

    fn menu() -> HashMap<String, MenuItem> {
        [item("a", 380, true), item("b", 250, false)]
            .into_iter()
            .map(|i| (i.id.clone(), i))
            .collect()
    }

    #[test]
    fn lines_are_priced_with_their_options() {
        let priced = price(&[line("a", 2, &["oat"])], &menu(), &LIMITS).unwrap();
        assert_eq!(priced.lines[0].unit_price, 420);
        assert_eq!(priced.lines[0].line_total, 840);
        assert_eq!(priced.subtotal, 840);
        assert_eq!(priced.currency, "EUR");
        assert_eq!(totals(840, 1000, 350), (84, 1274));
        assert_eq!(totals(5, 1000, 0), (1, 6), "half a cent rounds up");
    }

    #[test]
    fn make_minutes_add_up_by_quantity_and_the_longest_item_is_kept() {
        let mut items = menu();
        let mut slow = item("c", 900, true);
        slow.effective_make_minutes = 12;
        items.insert("c".into(), slow);
        let priced = price(&[line("a", 2, &[]), line("c", 1, &[])], &items, &LIMITS).unwrap();
        assert_eq!(
            priced.work,
            Work {
                make_minutes: 2 * 3 + 12,
                longest_minutes: 12
            }
        );
    }

    #[test]
    fn every_bad_line_is_named() {
        let errors = price(
            &[
                line("b", 1, &[]),
                line("zzz", 1, &[]),
                line("a", 11, &["oat", "soy", "nope"]),
            ],
            &menu(),
            &LIMITS,
        )
        .unwrap_err();
        let Unpriceable::Invalid(errors) = errors else {
            panic!("{errors:?}")
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert!(fields.contains(&("lines[0].item_id", "unavailable")));
        assert!(fields.contains(&("lines[1].item_id", "unknown_item")));
        assert!(fields.contains(&("lines[2].quantity", "out_of_range")));
        assert!(fields.contains(&("lines[2].options[2]", "unknown_option")));
        assert!(fields.contains(&("lines[2].options", "choices_out_of_range")));
    }

    fn refused(
        result: Result<Priced, Unpriceable>,
    ) -> (String, Vec<(String, String)>, Option<DateTime<Utc>>) {
        match result {
            Err(Unpriceable::Unavailable {
                code,
                lines,
                available_at,
            }) => (
                code,
                lines.into_iter().map(|l| (l.field, l.code)).collect(),
                available_at,
            ),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn lines_that_cannot_be_had_then_are_refused_each_named_with_when_all_could() {
        let back = Utc::now() + chrono::TimeDelta::hours(2);
        let later = back + chrono::TimeDelta::hours(1);
        let mut items = menu();
        let a = items.get_mut("a").unwrap();
        a.available = false;
        a.unavailable = Some(Unavailability {
            reason: UnavailableReason::SoldOut,
            until: Some(back),
        });
        let mut breakfast = item("c", 900, false);
        breakfast.unavailable = Some(Unavailability {
            reason: UnavailableReason::OutsideItsHours,
            until: Some(later),
        });
        items.insert("c".into(), breakfast);
        let (code, lines, available_at) = refused(price(
            &[line("a", 1, &[]), line("c", 1, &[])],
            &items,
            &LIMITS,
        ));
        assert_eq!(code, "item_sold_out");
        assert_eq!(
            lines,
            [
                ("lines[0].item_id".into(), "item_sold_out".into()),
                ("lines[1].item_id".into(), "item_unavailable_at_time".into())
            ]
        );
        assert_eq!(available_at, Some(later));

        let mut items = menu();
        let oat = &mut items.get_mut("a").unwrap().option_groups[0].options[0];
        oat.available = false;
        oat.sold_out_until = Some(back);
        let (code, lines, available_at) =
            refused(price(&[line("a", 1, &["oat"])], &items, &LIMITS));
        assert_eq!(code, "option_sold_out");
        assert_eq!(lines[0].0, "lines[0].options[0]");
        assert_eq!(available_at, Some(back));
        assert!(price(&[line("a", 1, &["soy"])], &items, &LIMITS).is_ok());
    }

    #[test]
    fn counted_portions_cap_a_line() {
        let mut items = menu();
        items.get_mut("a").unwrap().stock = Some(2);
        let (code, lines, available_at) = refused(price(&[line("a", 3, &[])], &items, &LIMITS));
        assert_eq!(code, "not_enough_left");
        assert_eq!(lines[0].0, "lines[0].quantity");
        assert_eq!(available_at, None);
        assert!(price(&[line("a", 2, &[])], &items, &LIMITS).is_ok());
    }

    #[test]
    fn too_many_lines_are_refused() {
        let lines = vec![line("a", 1, &[]); 4];
        let Err(Unpriceable::Invalid(errors)) = price(&lines, &menu(), &LIMITS) else {
            panic!("refused for another reason")
        };
        assert_eq!(errors[0].field, "lines");
    }
}
