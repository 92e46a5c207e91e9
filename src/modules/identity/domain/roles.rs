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

pub fn decode(stored: &str) -> Vec<Role> {
    stored.split(',').filter_map(Role::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_sorted_and_deduplicated() {
        let s = encode(&[Role::Admin, Role::Customer, Role::Admin]);
        assert_eq!(s, "customer,admin");
        assert_eq!(decode(&s), vec![Role::Customer, Role::Admin]);
    }
}
