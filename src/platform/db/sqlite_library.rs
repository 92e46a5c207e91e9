//! Opening SQLite connections through the bundled library.
//!
//! SQLite is built without its automatic initialisation (`SQLITE_OMIT_AUTOINIT`, see
//! `.cargo/config.toml`): every `sqlite3_malloc` otherwise began with `sqlite3_initialize`,
//! whose already-initialised path is a full memory barrier, and the single writer's statement
//! journal allocates for each kilobyte a savepoint keeps (4% of its CPU). Initialised once
//! here instead, so every SQLite connection goes through here; so does the VFS that writes
//! the log a commit at a time (`log_writes`), registered as the default right after.

use std::ffi::c_void;
use std::ptr::NonNull;
use std::sync::Once;

use diesel::{Connection, ConnectionResult, SqliteConnection};

/// Establishes a connection to the database at `path` (or `:memory:`), SQLite initialised.
pub fn establish_sqlite(path: &str) -> ConnectionResult<SqliteConnection> {
    initialise();
    SqliteConnection::establish(path)
}

fn initialise() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: no other SQLite call can run before this one: every connection is opened
        // through `establish_sqlite`, after it.
        let rc = unsafe { libsqlite3_sys::sqlite3_initialize() };
        assert_eq!(rc, libsqlite3_sys::SQLITE_OK, "SQLite could not initialise");
        // SAFETY: as above, before any connection.
        unsafe { super::log_writes::register() };
    });
}

/// Blocks of SQLite's memory the thread that allocated them holds until dropped: one in each
/// of several allocator pages.
///
/// Each savepoint the single writer opens journals the pages it changes in kilobyte chunks
/// (`temp_store = MEMORY`) and frees them when released. When a unit's chunks overflowed the
/// allocator's page for that size, the extra page emptied at the release, mimalloc handed it
/// back to the operating system at once (purge delay 0, see `platform::memory`) and a later
/// savepoint faulted it in again: 5 % of the writer's samples. One block held in each of a
/// few pages keeps them (and their free blocks) with the thread.
pub(super) struct HeldPages(Vec<NonNull<c_void>>);

impl HeldPages {
    /// The statement journal's chunk (`MEMJOURNAL_DFLT_FILECHUNKSIZE`).
    pub(super) const JOURNAL_CHUNK: i32 = 1024;
    /// mimalloc's small pages: 64 KiB, aligned to their size.
    const PAGE: usize = 64 * 1024;

    /// Holds one block of `size` bytes (allocated through SQLite, so of the size class its
    /// own blocks of that size use) in each of `pages` allocator pages.
    pub(super) fn of(size: i32, pages: usize) -> Self {
        initialise();
        let mut held: Vec<NonNull<c_void>> = Vec::with_capacity(pages);
        let mut spare = Vec::new();
        let page_of = |block: NonNull<c_void>| block.as_ptr() as usize / Self::PAGE;
        while held.len() < pages {
            // SAFETY: SQLite is initialised; each block is freed once, below or by `drop`.
            let block = unsafe { libsqlite3_sys::sqlite3_malloc(size) };
            let block = NonNull::new(block).expect("SQLite could not allocate");
            if held.iter().any(|&h| page_of(h) == page_of(block)) {
                spare.push(block);
            } else {
                held.push(block);
            }
        }
        for block in spare {
            // SAFETY: allocated above, freed once.
            unsafe { libsqlite3_sys::sqlite3_free(block.as_ptr()) }
        }
        Self(held)
    }
}

impl Drop for HeldPages {
    fn drop(&mut self) {
        for block in &self.0 {
            // SAFETY: allocated by `sqlite3_malloc` in `of`, freed only here.
            unsafe { libsqlite3_sys::sqlite3_free(block.as_ptr()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_pages_hold_one_block_in_each_of_distinct_allocator_pages() {
        let held = HeldPages::of(HeldPages::JOURNAL_CHUNK, 4);
        let mut pages: Vec<usize> = held
            .0
            .iter()
            .map(|b| b.as_ptr() as usize / HeldPages::PAGE)
            .collect();
        pages.sort_unstable();
        pages.dedup();
        assert_eq!(pages.len(), 4, "blocks held: {:?}", held.0);
    }
}
