//! What a process keeps of the catalog — the items it priced baskets with, the ids of the
//! items whose portions are counted — trusted while the catalog revision stands.
//!
//! Every change to the catalog raises the catalog revision in its own transaction. A caller
//! reads the revision afresh (shared with the callers asking meanwhile) and uses only items
//! read at that revision or later; so an order is priced as the catalog stood when it was
//! placed, on every replica, at the cost of one small read instead of six.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::modules::catalog::store::ItemParts;

pub struct KeptItems {
    kept: Mutex<Kept>,
    /// Beyond this many items, start again: a catalog bigger than this is read more often.
    limit: usize,
}

#[derive(Default)]
struct Kept {
    /// The revision every kept item was read at (or after).
    revision: i64,
    items: HashMap<String, Arc<ItemParts>>,
}

impl KeptItems {
    pub fn new(limit: usize) -> Self {
        Self {
            kept: Mutex::new(Kept::default()),
            limit,
        }
    }

    /// Items `ids`, in that order, if every one was read at `revision` or later.
    pub fn get(&self, ids: &[String], revision: i64) -> Option<Vec<Arc<ItemParts>>> {
        let mut kept = self.kept.lock().expect("kept items lock");
        if kept.revision < revision {
            // The catalog changed: nothing kept is good any more; free it now.
            kept.items.clear();
            kept.revision = revision;
            return None;
        }
        ids.iter().map(|id| kept.items.get(id).cloned()).collect()
    }

    /// Keeps `items`, read at `revision` (read before them, so they are at least as new).
    pub fn keep(&self, items: &[Arc<ItemParts>], revision: i64) {
        let mut kept = self.kept.lock().expect("kept items lock");
        if revision < kept.revision {
            return;
        }
        if revision > kept.revision || kept.items.len() + items.len() > self.limit {
            kept.items.clear();
            kept.revision = revision;
        }
        for item in items.iter().take(self.limit) {
            kept.items.insert(item.id().to_owned(), item.clone());
        }
    }
}

/// One value read at a revision, trusted while the revision stands: the ids of the items
/// whose portions are counted, wanted for every paid order.
pub struct KeptValue<T> {
    kept: Mutex<Option<(i64, T)>>,
}

impl<T: Clone> KeptValue<T> {
    pub fn new() -> Self {
        Self {
            kept: Mutex::new(None),
        }
    }

    /// The value, if it was read at `revision` or later.
    pub fn get(&self, revision: i64) -> Option<T> {
        match &*self.kept.lock().expect("kept value lock") {
            Some((read_at, value)) if *read_at >= revision => Some(value.clone()),
            _ => None,
        }
    }

    /// Keeps `value`, read at `revision`, unless a newer one is kept.
    pub fn keep(&self, value: T, revision: i64) {
        let mut kept = self.kept.lock().expect("kept value lock");
        if kept
            .as_ref()
            .is_none_or(|(read_at, _)| *read_at <= revision)
        {
            *kept = Some((revision, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::catalog::store::ItemParts;

    fn items(ids: &[&str]) -> Vec<Arc<ItemParts>> {
        ids.iter()
            .map(|id| Arc::new(ItemParts::sample(id)))
            .collect()
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    fn got(kept: Option<Vec<Arc<ItemParts>>>) -> Option<Vec<String>> {
        kept.map(|items| items.iter().map(|i| i.id().to_owned()).collect())
    }

    #[test]
    fn items_read_at_the_caller_s_revision_or_later_are_used_in_the_order_asked() {
        let kept = KeptItems::new(10);
        kept.keep(&items(&["itm_a", "itm_b"]), 3);
        assert_eq!(
            got(kept.get(&ids(&["itm_b", "itm_a"]), 3)),
            Some(ids(&["itm_b", "itm_a"]))
        );
        assert_eq!(got(kept.get(&ids(&["itm_a"]), 2)), Some(ids(&["itm_a"])));
    }

    #[test]
    fn one_item_not_kept_means_reading_them_all() {
        let kept = KeptItems::new(10);
        kept.keep(&items(&["itm_a"]), 3);
        assert_eq!(got(kept.get(&ids(&["itm_a", "itm_c"]), 3)), None);
    }

    #[test]
    fn a_newer_revision_drops_everything_kept() {
        let kept = KeptItems::new(10);
        kept.keep(&items(&["itm_a"]), 3);
        assert_eq!(got(kept.get(&ids(&["itm_a"]), 4)), None);
        // ...and a read from before that revision, finishing late, is not kept.
        kept.keep(&items(&["itm_a"]), 3);
        assert_eq!(got(kept.get(&ids(&["itm_a"]), 4)), None);
        kept.keep(&items(&["itm_a"]), 4);
        assert_eq!(got(kept.get(&ids(&["itm_a"]), 4)), Some(ids(&["itm_a"])));
    }

    #[test]
    fn past_the_limit_it_starts_again() {
        let kept = KeptItems::new(2);
        kept.keep(&items(&["itm_a", "itm_b"]), 1);
        kept.keep(&items(&["itm_c"]), 1);
        assert_eq!(got(kept.get(&ids(&["itm_a"]), 1)), None);
        assert_eq!(got(kept.get(&ids(&["itm_c"]), 1)), Some(ids(&["itm_c"])));
    }

    #[test]
    fn a_value_is_trusted_until_a_newer_revision_and_never_replaced_by_an_older_read() {
        let kept = KeptValue::new();
        assert_eq!(kept.get(0), None);
        kept.keep("two portions counted", 5);
        assert_eq!(kept.get(5), Some("two portions counted"));
        assert_eq!(kept.get(6), None);
        kept.keep("read late, from before", 4);
        assert_eq!(kept.get(5), Some("two portions counted"));
        kept.keep("now", 6);
        assert_eq!(kept.get(6), Some("now"));
    }
}
