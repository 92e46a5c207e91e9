//! Values stored as text, read back strictly: a stored enum name or JSON document that no
//! longer parses is an error that names the column, never a silent default.

use std::str::FromStr;

use diesel::result::Error;

/// An enum stored by name (its `strum` snake_case name, the same as its JSON).
pub fn name<T: FromStr>(column: &str, text: &str) -> Result<T, Error> {
    text.parse()
        .map_err(|_| unreadable(format!("{column} holds the unknown value `{text}`")))
}

/// A value stored as a JSON document.
pub fn json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| unreadable(format!("{column} is not readable: {e}")))
}

/// A stored value that does not read back as what it must be.
pub fn unreadable(message: String) -> Error {
    Error::DeserializationError(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, strum::EnumString)]
    #[strum(serialize_all = "snake_case")]
    enum Status {
        InPreparation,
    }

    #[test]
    fn known_names_read_back_and_unknown_ones_are_errors() {
        assert_eq!(
            name::<Status>("status", "in_preparation").unwrap(),
            Status::InPreparation
        );
        let unknown = name::<Status>("orders.status", "baking").unwrap_err();
        assert!(unknown.to_string().contains("orders.status"), "{unknown}");
        assert!(json::<Vec<String>>("lines.options", "[oops").is_err());
    }
}
