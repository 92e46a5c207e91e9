//! What makes a menu item valid beyond field lengths: real currencies, station and tag
//! spelling, and option groups whose limits can be met.

use super::offer::Offer;
use crate::modules::catalog::api::NewOptionGroup;
use crate::platform::validation::FieldError;

/// ISO 4217 codes of currencies in circulation.
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SYP", "SZL", "THB", "TJS",
    "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

pub fn currency(field: &str, code: &str) -> Result<(), FieldError> {
    if CURRENCIES.binary_search(&code).is_ok() {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "invalid_currency",
            "must be an ISO 4217 currency code in upper case, e.g. EUR",
        ))
    }
}

/// Make times run from nothing (a bottled drink) to four hours (a slow roast).
pub fn make_minutes(field: &str, minutes: i32) -> Result<(), FieldError> {
    if (0..=240).contains(&minutes) {
        Ok(())
    } else {
        Err(FieldError::new(field, "range", "must be between 0 and 240"))
    }
}

/// At most 100 venue prices, each within the range of a price.
pub fn offer(offer: &Offer) -> Vec<FieldError> {
    if offer.prices.len() > 100 {
        return vec![FieldError::new(
            "venue_prices",
            "too_many",
            "at most 100 venues",
        )];
    }
    offer
        .prices
        .iter()
        .filter(|(_, price)| !(0..=10_000_000).contains(*price))
        .map(|(venue, _)| {
            FieldError::new(
                format!("venue_prices.{venue}"),
                "range",
                "must be between 0 and 10000000",
            )
        })
        .collect()
}

fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 32
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Stations are short lower-case names: `bar`, `kitchen`, `pastry`, `cold-kitchen`.
pub fn station(field: &str, station: &str) -> Result<(), FieldError> {
    if is_slug(station) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "invalid_station",
            "must be 1-32 lower-case letters, digits or dashes, starting with a letter",
        ))
    }
}

/// Tags are normalised to lower case, deduplicated and sorted.
pub fn tags(field: &str, raw: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = raw.iter().map(|t| t.trim().to_lowercase()).collect();
    if let Some(bad) = out.iter().position(|t| !is_slug(t)) {
        return Err(FieldError::new(
            format!("{field}[{bad}]"),
            "invalid_tag",
            "tags are 1-32 lower-case letters, digits or dashes, starting with a letter",
        ));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Each group's limits must be satisfiable by its options; names must be distinct.
pub fn option_groups(field: &str, groups: &[NewOptionGroup]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let at = |f: &str| format!("{field}[{i}].{f}");
        if g.min_choices > g.max_choices {
            errors.push(FieldError::new(
                at("min_choices"),
                "out_of_range",
                "must not exceed max_choices",
            ));
        }
        if g.max_choices as usize > g.options.len() {
            errors.push(FieldError::new(
                at("max_choices"),
                "out_of_range",
                "must not exceed the number of options",
            ));
        }
        let mut names: Vec<String> = g
            .options
            .iter()
            .map(|o| o.name.trim().to_lowercase())
            .collect();
        names.sort();
        if names.windows(2).any(|w| w[0] == w[1]) {
            errors.push(FieldError::new(
                at("options"),
                "duplicate",
                "option names must be distinct",
            ));
        }
        if g.name.trim().is_empty() {
            errors.push(FieldError::new(at("name"), "blank", "must not be blank"));
        }
    }
    let mut names: Vec<String> = groups
        .iter()
        .map(|g| g.name.trim().to_lowercase())
        .collect();
    names.sort();
    if names.windows(2).any(|w| w[0] == w[1]) {
        errors.push(FieldError::new(
            field,
            "duplicate",
            "group names must be distinct",
        ));
    }
    errors
}

/// A trimmed, non-blank name.
pub fn name(field: &str, raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        Err(FieldError::new(field, "blank", "must not be blank"))
    } else {
        Ok(trimmed.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::catalog::api::NewOption;

    fn group(min: i32, max: i32, options: &[&str]) -> NewOptionGroup {
        NewOptionGroup {
            name: "Milk".into(),
            min_choices: min,
            max_choices: max,
            options: options
                .iter()
                .map(|n| NewOption {
                    name: n.to_string(),
                    price_delta: 0,
                })
                .collect(),
        }
    }

    #[test]
    fn currencies_are_real_iso_codes() {
        assert!(
            CURRENCIES.windows(2).all(|w| w[0] < w[1]),
            "list must stay sorted"
        );
        assert!(currency("currency", "EUR").is_ok());
        assert!(currency("currency", "eur").is_err());
        assert!(currency("currency", "XYZ").is_err());
    }

    #[test]
    fn tags_are_normalised() {
        let t = tags(
            "tags",
            &["Vegan".into(), "vegan".into(), "gluten-free".into()],
        )
        .unwrap();
        assert_eq!(t, vec!["gluten-free", "vegan"]);
        assert_eq!(
            tags("tags", &["ok".into(), "not ok".into()])
                .unwrap_err()
                .field,
            "tags[1]"
        );
    }

    #[test]
    fn stations_are_slugs() {
        assert!(station("station", "cold-kitchen").is_ok());
        assert!(station("station", "Bar").is_err());
        assert!(station("station", "").is_err());
    }

    #[test]
    fn option_limits_must_be_satisfiable() {
        assert!(option_groups("g", &[group(0, 1, &["Oat", "Soy"])]).is_empty());
        let errors = option_groups("g", &[group(2, 1, &["Oat"])]);
        assert_eq!(errors[0].field, "g[0].min_choices");
        let errors = option_groups("g", &[group(0, 3, &["Oat", "Soy"])]);
        assert_eq!(errors[0].field, "g[0].max_choices");
        assert!(!option_groups("g", &[group(0, 1, &["Oat", "oat"])]).is_empty());
    }
}
