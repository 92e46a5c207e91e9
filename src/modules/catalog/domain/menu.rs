//! Assembling the public menu: available items, grouped by category, in menu order.

use crate::modules::catalog::api::{Category, Menu, MenuCategory, MenuItem};

pub fn assemble(mut categories: Vec<Category>, items: Vec<MenuItem>) -> Menu {
    categories.sort_by(|a, b| (a.position, &a.id).cmp(&(b.position, &b.id)));
    let mut available: Vec<MenuItem> = items.into_iter().filter(|i| i.available).collect();
    available.sort_by(|a, b| (a.position, &a.name, &a.id).cmp(&(b.position, &b.name, &b.id)));
    let categories = categories
        .into_iter()
        .map(|c| MenuCategory {
            items: available
                .iter()
                .filter(|i| i.category_id == c.id)
                .cloned()
                .collect(),
            id: c.id,
            name: c.name,
            description: c.description,
        })
        .filter(|c| !c.items.is_empty())
        .collect();
    Menu { categories }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn category(id: &str, position: i32) -> Category {
        Category {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            position,
            make_minutes: 0,
            schedule: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn item(id: &str, category: &str, position: i32, available: bool) -> MenuItem {
        MenuItem {
            id: id.into(),
            category_id: category.into(),
            name: id.into(),
            description: String::new(),
            price: 100,
            venue_ids: None,
            venue_prices: Default::default(),
            timed_prices: Vec::new(),
            sold_out_at_venues: Default::default(),
            currency: "EUR".into(),
            tags: vec![],
            available,
            position,
            station: "bar".into(),
            make_minutes: None,
            effective_make_minutes: 0,
            sold_out_until: None,
            stock: None,
            schedule: None,
            unavailable: None,
            version: 1,
            option_groups: vec![],
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn groups_available_items_in_menu_order_and_hides_empty_categories() {
        let menu = assemble(
            vec![
                category("drinks", 2),
                category("food", 1),
                category("empty", 0),
            ],
            vec![
                item("latte", "drinks", 2, true),
                item("espresso", "drinks", 1, true),
                item("soup", "food", 1, false),
                item("toast", "food", 1, true),
            ],
        );
        let names: Vec<(&str, Vec<&str>)> = menu
            .categories
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.items.iter().map(|i| i.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("food", vec!["toast"]),
                ("drinks", vec!["espresso", "latte"])
            ]
        );
    }
}
