//! A café for trying Brigade out: `brigade serve --demo` loads a menu into an empty catalog
//! and opens a second venue, a station kiosk with opening hours, next to the default venue
//! (open around the clock, so the README's walk-through works at any hour).

use crate::modules::catalog::api::{
    CatalogApi, CatalogError, NewCategory, NewItem, NewOption, NewOptionGroup, PageRequest, SoldOut,
};
use crate::modules::identity::api::Call;
use crate::modules::venues::api::{
    DEFAULT_VENUE, NewVenue, Period, Scheduling, VenueFilter, VenuesApi, VenuesError, WeeklyHours,
};

struct Item {
    name: &'static str,
    description: &'static str,
    price: i64,
    station: &'static str,
    tags: &'static [&'static str],
    groups: &'static [Group],
}

struct Group {
    name: &'static str,
    min: i32,
    max: i32,
    options: &'static [(&'static str, i64)],
}

const SIZE: Group = Group {
    name: "Size",
    min: 1,
    max: 1,
    options: &[("Small", 0), ("Regular", 40), ("Large", 80)],
};
const MILK: Group = Group {
    name: "Milk",
    min: 0,
    max: 1,
    options: &[("Whole", 0), ("Oat", 40), ("Soy", 40), ("Almond", 50)],
};
const EXTRAS: Group = Group {
    name: "Extras",
    min: 0,
    max: 3,
    options: &[
        ("Extra shot", 60),
        ("Vanilla syrup", 40),
        ("Caramel syrup", 40),
    ],
};
const BREAD: Group = Group {
    name: "Bread",
    min: 1,
    max: 1,
    options: &[("Sourdough", 0), ("Rye", 0), ("Gluten-free", 100)],
};

const fn item(
    name: &'static str,
    description: &'static str,
    price: i64,
    station: &'static str,
    tags: &'static [&'static str],
    groups: &'static [Group],
) -> Item {
    Item {
        name,
        description,
        price,
        station,
        tags,
        groups,
    }
}

/// Categories: name, description, minutes one of their items takes to make, items.
const MENU: &[(&str, &str, i32, &[Item])] = &[
    (
        COFFEE,
        "Espresso drinks from our own roast",
        3,
        &[
            item(
                "Espresso",
                "A double shot of house espresso",
                250,
                "bar",
                &["vegan"],
                &[EXTRAS],
            ),
            item(
                "Americano",
                "Espresso lengthened with hot water",
                290,
                "bar",
                &["vegan"],
                &[SIZE, EXTRAS],
            ),
            item(
                "Flat white",
                "Double ristretto with velvety milk",
                380,
                "bar",
                &["vegetarian", "contains-milk"],
                &[MILK, EXTRAS],
            ),
            item(
                "Cappuccino",
                "Espresso, steamed milk and a deep foam cap",
                360,
                "bar",
                &["vegetarian", "contains-milk"],
                &[SIZE, MILK, EXTRAS],
            ),
            item(
                "Caffè latte",
                "Espresso with plenty of steamed milk",
                390,
                "bar",
                &["vegetarian", "contains-milk"],
                &[SIZE, MILK, EXTRAS],
            ),
            item(
                "Mocha",
                "Espresso, dark chocolate and steamed milk",
                430,
                "bar",
                &["vegetarian", "contains-milk"],
                &[SIZE, MILK],
            ),
        ],
    ),
    (
        "Tea & cold drinks",
        "Loose-leaf teas, juices and lemonades",
        2,
        &[
            item(
                "English breakfast tea",
                "Strong Assam blend",
                280,
                "bar",
                &["vegan"],
                &[MILK],
            ),
            item(
                "Fresh mint tea",
                "A handful of fresh mint leaves",
                300,
                "bar",
                &["vegan"],
                &[],
            ),
            item(
                "Chai latte",
                "Spiced black tea with steamed milk",
                390,
                "bar",
                &["vegetarian", "contains-milk"],
                &[SIZE, MILK],
            ),
            item(
                "Fresh orange juice",
                "Squeezed to order",
                420,
                "bar",
                &["vegan"],
                &[SIZE],
            ),
            item(
                "Homemade lemonade",
                "Lemon, cane sugar, sparkling water",
                350,
                "bar",
                &["vegan"],
                &[],
            ),
        ],
    ),
    (
        "Breakfast",
        "Served until noon",
        8,
        &[
            item(
                "Avocado toast",
                "Smashed avocado, chilli, lime, seeds",
                850,
                "kitchen",
                &["vegan"],
                &[BREAD],
            ),
            item(
                "Eggs Benedict",
                "Poached eggs, ham, hollandaise, muffin",
                1150,
                "kitchen",
                &["contains-egg", "contains-gluten", "contains-milk"],
                &[],
            ),
            item(
                "Granola bowl",
                "House granola, yoghurt, seasonal fruit",
                720,
                "kitchen",
                &["vegetarian", "contains-nuts", "contains-milk"],
                &[],
            ),
            item(
                "Shakshuka",
                "Eggs baked in spiced tomato and peppers",
                1050,
                "kitchen",
                &["vegetarian", "contains-egg"],
                &[BREAD],
            ),
        ],
    ),
    (
        "Lunch",
        "From noon",
        12,
        &[
            item(
                "Soup of the day",
                "Ask the team; always vegan",
                690,
                "kitchen",
                &["vegan"],
                &[BREAD],
            ),
            item(
                "Grilled cheese",
                "Comté and cheddar on sourdough",
                890,
                "kitchen",
                &["vegetarian", "contains-milk", "contains-gluten"],
                &[],
            ),
            item(
                "Chicken Caesar salad",
                "Romaine, parmesan, croutons, anchovy dressing",
                1190,
                "kitchen",
                &["contains-fish", "contains-milk", "contains-gluten"],
                &[],
            ),
            item(
                "Falafel wrap",
                "Hummus, pickles, tahini, herbs",
                920,
                "kitchen",
                &["vegan", "contains-sesame"],
                &[],
            ),
        ],
    ),
    (
        "Pastries",
        "Baked in-house every morning",
        1,
        &[
            item(
                "Butter croissant",
                "Laminated with French butter",
                260,
                "pastry",
                &["vegetarian", "contains-gluten", "contains-milk"],
                &[],
            ),
            item(
                "Pain au chocolat",
                "Two bars of dark chocolate",
                290,
                "pastry",
                &["vegetarian", "contains-gluten", "contains-milk"],
                &[],
            ),
            item(
                "Cinnamon bun",
                "Cardamom dough, cinnamon butter",
                340,
                "pastry",
                &["vegetarian", "contains-gluten", "contains-milk"],
                &[],
            ),
            item(
                "Banana bread",
                "With walnuts; ask for it toasted",
                320,
                "pastry",
                &["vegetarian", "contains-nuts", "contains-gluten"],
                &[],
            ),
            item(
                "Vegan brownie",
                "Dark chocolate and sea salt",
                330,
                "pastry",
                &["vegan"],
                &[],
            ),
        ],
    ),
];

/// The category the kiosk charges more for.
const COFFEE: &str = "Coffee";

/// The category served only in the morning, on the venue's clock.
const BREAKFAST: &str = "Breakfast";

/// 07:00 to noon, every day.
fn mornings() -> WeeklyHours {
    let morning = vec![Period {
        opens: "07:00".into(),
        closes: "12:00".into(),
    }];
    WeeklyHours {
        monday: morning.clone(),
        tuesday: morning.clone(),
        wednesday: morning.clone(),
        thursday: morning.clone(),
        friday: morning.clone(),
        saturday: morning.clone(),
        sunday: morning,
    }
}

/// Sold out until the café's next day when the demo starts, to show how that looks.
const SOLD_OUT: &str = "Vegan brownie";

/// Baked on site: the café offers it, the kiosk does not.
const CAFE_ONLY: &str = "Banana bread";

/// The kiosk's name, and what it charges more for coffee (rent at a station).
const KIOSK: &str = "Brigade Gare Part-Dieu";
const KIOSK_COFFEE_SURCHARGE: i64 = 30;

/// `opens`–`closes`.
fn period(opens: &str, closes: &str) -> Vec<Period> {
    vec![Period {
        opens: opens.into(),
        closes: closes.into(),
    }]
}

/// The kiosk: commuter hours (06:30–20:00 on weekdays, 08:00–18:00 on Saturdays, closed on
/// Sundays), quarter-hour pickup slots of at most 8 orders and 40 make-minutes.
fn kiosk() -> NewVenue {
    let weekday = period("06:30", "20:00");
    NewVenue {
        name: KIOSK.into(),
        address: "Gare Part-Dieu, 69003 Lyon".into(),
        time_zone: "Europe/Paris".into(),
        currency: "EUR".into(),
        hours: Some(WeeklyHours {
            monday: weekday.clone(),
            tuesday: weekday.clone(),
            wednesday: weekday.clone(),
            thursday: weekday.clone(),
            friday: weekday,
            saturday: period("08:00", "18:00"),
            sunday: Vec::new(),
        }),
        exceptions: Vec::new(),
        scheduling: Scheduling {
            pickup_orders_per_slot: Some(8),
            pickup_make_minutes_per_slot: Some(40),
            makers: 2,
            ..Scheduling::default()
        },
    }
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Venues(#[from] VenuesError),
}

/// The kiosk's id, opened unless a venue of that name exists.
async fn open_kiosk(venues: &dyn VenuesApi, system: &Call) -> Result<String, VenuesError> {
    let existing = venues
        .list(VenueFilter {
            limit: Some(100),
            cursor: None,
        })
        .await?;
    if let Some(kiosk) = existing.data.into_iter().find(|v| v.name == KIOSK) {
        return Ok(kiosk.id);
    }
    Ok(venues.create(system, kiosk()).await?.id)
}

/// Loads the demo menu unless the catalog already has categories, with the kiosk beside the
/// default venue. Returns how many items it created (0 when the menu was not empty).
pub async fn load_demo_menu(
    catalog: &dyn CatalogApi,
    venues: &dyn VenuesApi,
) -> Result<usize, DemoError> {
    let existing = catalog
        .list_categories(PageRequest {
            limit: Some(1),
            cursor: None,
        })
        .await?;
    if !existing.data.is_empty() {
        return Ok(0);
    }
    let system = Call::system("demo-menu");
    let kiosk = open_kiosk(venues, &system).await?;
    let mut created = 0;
    for (position, (name, description, make_minutes, items)) in MENU.iter().enumerate() {
        let category = catalog
            .create_category(
                &system,
                NewCategory {
                    name: name.to_string(),
                    description: description.to_string(),
                    position: position as i32,
                    make_minutes: *make_minutes,
                    schedule: (*name == BREAKFAST).then(mornings),
                },
            )
            .await?;
        for (item_position, item) in items.iter().enumerate() {
            let created_item = catalog
                .create_item(
                    &system,
                    NewItem {
                        category_id: category.id.clone(),
                        name: item.name.into(),
                        description: item.description.into(),
                        price: item.price,
                        currency: "EUR".into(),
                        tags: item.tags.iter().map(|t| t.to_string()).collect(),
                        available: true,
                        position: item_position as i32,
                        station: item.station.into(),
                        make_minutes: None,
                        schedule: None,
                        venue_ids: (item.name == CAFE_ONLY).then(|| vec![DEFAULT_VENUE.to_owned()]),
                        timed_prices: Vec::new(),
                        venue_prices: if *name == COFFEE {
                            [(kiosk.clone(), item.price + KIOSK_COFFEE_SURCHARGE)].into()
                        } else {
                            Default::default()
                        },
                        option_groups: item
                            .groups
                            .iter()
                            .map(|g| NewOptionGroup {
                                name: g.name.into(),
                                min_choices: g.min,
                                max_choices: g.max,
                                options: g
                                    .options
                                    .iter()
                                    .map(|(name, delta)| NewOption {
                                        name: name.to_string(),
                                        price_delta: *delta,
                                    })
                                    .collect(),
                            })
                            .collect(),
                    },
                )
                .await?;
            if item.name == SOLD_OUT {
                catalog
                    .sell_out(&system, &created_item.id, SoldOut::default())
                    .await?;
            }
            created += 1;
        }
    }
    Ok(created)
}
