//! Opening SQLite connections through the bundled library.
//!
//! SQLite is built without its automatic initialisation (`SQLITE_OMIT_AUTOINIT`, see
//! `.cargo/config.toml`): every `sqlite3_malloc` otherwise began with `sqlite3_initialize`,
//! whose already-initialised path is a full memory barrier, and the single writer's statement
//! journal allocates for each kilobyte a savepoint keeps (4% of its CPU). Initialised once
//! here instead, so every SQLite connection goes through here; so does the VFS that writes
//! the log a commit at a time (`log_writes`), registered as the default right after.

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
