//! Roles are stored as a sorted, comma-separated list.

use crate::modules::identity::api::Role;

pub fn encode(roles: &[Role]) -> String {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The stored roles; a name that is no role is an error, never silently dropped.
pub fn decode(stored: &str) -> Result<Vec<Role>, String> {
    stored
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| Role::parse(name).ok_or_else(|| format!("unknown role `{name}` stored")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_sorted_and_deduplicated() {
        let s = encode(&[Role::Admin, Role::Customer, Role::Admin]);
        assert_eq!(s, "customer,admin");
        assert_eq!(decode(&s), Ok(vec![Role::Customer, Role::Admin]));
    }

    #[test]
    fn an_unknown_stored_role_is_an_error() {
        assert!(decode("customer,baker").unwrap_err().contains("baker"));
        assert_eq!(decode(""), Ok(vec![]));
    }
}
