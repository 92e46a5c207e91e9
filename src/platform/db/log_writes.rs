//! SQLite's write-ahead log handed to the kernel a commit at a time.
//!
//! SQLite writes each frame of the log with two `pwrite`s, its 24-byte header and then its
//! page, and the page's write straddles two of the file system's pages. A commit of the single
//! writer (some 75 frames for 17 write units) made 150 system calls: a quarter of the writer
//! thread's CPU. This VFS wraps the default one and gathers a connection's log writes in
//! memory; they reach the file in one write when a commit's last frame is in, before SQLite
//! syncs the log or tells other connections about the commit in the shared index.
//!
//! So that every other connection, in this process or another, sees the log as if each write
//! had been made when SQLite asked, gathered writes also reach the file before SQLite reads,
//! syncs, truncates, sizes or closes the log, and before the connection lets go of the log's
//! write lock (a transaction rolled back after spilling pages): another connection may write
//! the log next, at the same offsets.

use std::ffi::{c_char, c_int, c_void};
use std::ptr;

use libsqlite3_sys as ffi;

/// The most the unix VFS writes in one call: it keeps 17 bits of the amount (`seekAndWriteFd`).
/// Gathered writes go out before they would pass it, mid-transaction if need be, which also
/// bounds the memory each writing connection keeps for them.
const MOST_PER_WRITE: usize = 0x1ffff;
/// A frame header's size. Its bytes 4..8 hold the database's size in pages on a commit's last
/// frame, and zero on every other.
const FRAME_HEADER: usize = 24;
/// The log's write lock: the first of the shared-memory locks (`WAL_WRITE_LOCK` in wal.c).
const WAL_WRITE_LOCK: c_int = 0;

/// Makes this VFS the default. Runs once, after `sqlite3_initialize` and before any
/// connection opens.
///
/// # Safety
/// No other thread may use SQLite meanwhile.
pub(super) unsafe fn register() {
    // SAFETY: SQLite is initialised; the default VFS lives as long as the process.
    let base = unsafe { ffi::sqlite3_vfs_find(ptr::null()) };
    assert!(!base.is_null(), "SQLite has a default VFS");
    // Every method but `xOpen` is the default's own: the unix VFS ignores the `sqlite3_vfs`
    // they are handed (each names it `NotUsed`), and `open` hands the default its own.
    // SAFETY: `base` points to a live `sqlite3_vfs`.
    let mut vfs = unsafe { *base };
    let size = INNER_OFFSET + usize::try_from(vfs.szOsFile).expect("a file's size is positive");
    vfs.szOsFile = c_int::try_from(size).expect("a file's size fits");
    vfs.zName = c"brigade".as_ptr();
    vfs.pAppData = base.cast();
    vfs.pNext = ptr::null_mut();
    vfs.xOpen = Some(open);
    let vfs = Box::leak(Box::new(vfs));
    // SAFETY: `vfs` is valid for the rest of the process, as SQLite requires.
    let rc = unsafe { ffi::sqlite3_vfs_register(vfs, 1) };
    assert_eq!(rc, ffi::SQLITE_OK, "SQLite registers the VFS");
}

/// A main database file or its log, as SQLite sees it: the default VFS's file follows it in
/// the space SQLite gives (`szOsFile`).
#[repr(C)]
struct File {
    /// First, so that a `*mut sqlite3_file` is a `*mut File`.
    base: ffi::sqlite3_file,
    inner: *mut ffi::sqlite3_file,
    /// A log's writes not yet handed to the kernel; `None` for a database file.
    gathered: Option<Box<Gathered>>,
    /// A log's database file, and a database file's open log, when both are open here.
    other: *mut File,
}

/// Where the default VFS's file starts.
const INNER_OFFSET: usize = std::mem::size_of::<File>().next_multiple_of(8);

#[derive(Default)]
struct Gathered {
    at: i64,
    bytes: Vec<u8>,
    /// The last write was a commit's last frame header: its page comes next.
    commit_page_next: bool,
}

impl Gathered {
    fn end(&self) -> i64 {
        self.at + len_i64(self.bytes.len())
    }

    fn overlaps(&self, offset: i64, amount: usize) -> bool {
        !self.bytes.is_empty() && offset < self.end() && offset + len_i64(amount) > self.at
    }

    /// Whether `amount` bytes at `offset` lie wholly within what is gathered.
    fn holds(&self, offset: i64, amount: usize) -> bool {
        self.overlaps(offset, amount) && offset >= self.at && offset + len_i64(amount) <= self.end()
    }
}

fn len_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

unsafe extern "C" fn open(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY (whole function): SQLite hands a VFS registered by `register`, whose `pAppData`
    // is the default VFS, and `szOsFile` bytes at `file`.
    unsafe {
        let base = (*vfs).pAppData.cast::<ffi::sqlite3_vfs>();
        let Some(base_open) = (*base).xOpen else {
            return ffi::SQLITE_CANTOPEN;
        };
        if flags & (ffi::SQLITE_OPEN_MAIN_DB | ffi::SQLITE_OPEN_WAL) == 0 {
            // Journals and temporary files: the default VFS's own, in the space given.
            return base_open(base, name, file, flags, out_flags);
        }
        let inner = file
            .cast::<u8>()
            .add(INNER_OFFSET)
            .cast::<ffi::sqlite3_file>();
        (*inner).pMethods = ptr::null();
        let rc = base_open(base, name, inner, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            if let Some(close) = (*inner).pMethods.as_ref().and_then(|m| m.xClose) {
                close(inner);
            }
            (*file).pMethods = ptr::null();
            return rc;
        }
        let shim = file.cast::<File>();
        let is_log = flags & ffi::SQLITE_OPEN_WAL != 0;
        let mut other = ptr::null_mut();
        if is_log && !name.is_null() {
            let database = ffi::sqlite3_database_file_object(name);
            if !database.is_null() && ptr::eq((*database).pMethods, &METHODS) {
                other = database.cast::<File>();
                (*other).other = shim;
            }
        }
        ptr::write(
            shim,
            File {
                base: ffi::sqlite3_file { pMethods: &METHODS },
                inner,
                gathered: is_log.then(Box::default),
                other,
            },
        );
        ffi::SQLITE_OK
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(file_size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved_lock),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: Some(shm_map),
    xShmLock: Some(shm_lock),
    xShmBarrier: Some(shm_barrier),
    xShmUnmap: Some(shm_unmap),
    xFetch: Some(fetch),
    xUnfetch: Some(unfetch),
};

/// The file `METHODS` was set on, and the default VFS's file and methods behind it.
///
/// # Safety
/// `file` was opened by `open` and not closed, and no other reference to it is live: SQLite
/// calls a connection's files from one thread at a time.
unsafe fn parts<'a>(
    file: *mut ffi::sqlite3_file,
) -> (
    &'a mut File,
    *mut ffi::sqlite3_file,
    &'a ffi::sqlite3_io_methods,
) {
    // SAFETY: as the function's contract says; the default VFS set `pMethods` on a success.
    unsafe {
        let shim = &mut *file.cast::<File>();
        let inner = shim.inner;
        (shim, inner, &*(*inner).pMethods)
    }
}

/// Hands the gathered writes to the kernel, if any.
///
/// # Safety
/// As [`parts`].
unsafe fn write_out(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: as the function's contract says.
    let (shim, inner, methods) = unsafe { parts(file) };
    let Some(gathered) = shim.gathered.as_deref_mut() else {
        return ffi::SQLITE_OK;
    };
    gathered.commit_page_next = false;
    if gathered.bytes.is_empty() {
        return ffi::SQLITE_OK;
    }
    let Some(write) = methods.xWrite else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    let mut rc = ffi::SQLITE_OK;
    let mut at = gathered.at;
    for chunk in gathered.bytes.chunks(MOST_PER_WRITE) {
        let amount = c_int::try_from(chunk.len()).unwrap_or(c_int::MAX);
        // SAFETY: the chunk is valid for `amount` bytes.
        rc = unsafe { write(inner, chunk.as_ptr().cast(), amount, at) };
        if rc != ffi::SQLITE_OK {
            break;
        }
        at += len_i64(chunk.len());
    }
    // Dropped even on a failure: SQLite fails the transaction, and these bytes must not be
    // written later, over what another connection may have written since.
    gathered.bytes.clear();
    rc
}

unsafe extern "C" fn close(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY (whole function): SQLite closes a file it opened through `open`, once.
    unsafe {
        let written = write_out(file);
        let (shim, inner, methods) = parts(file);
        if !shim.other.is_null() {
            (*shim.other).other = ptr::null_mut();
        }
        let rc = methods.xClose.map_or(ffi::SQLITE_OK, |close| close(inner));
        ptr::drop_in_place(file.cast::<File>());
        if written == ffi::SQLITE_OK {
            rc
        } else {
            written
        }
    }
}

unsafe extern "C" fn read(
    file: *mut ffi::sqlite3_file,
    buffer: *mut c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    // SAFETY (whole function): SQLite calls a file it opened through `open`.
    unsafe {
        let (shim, _, _) = parts(file);
        let wanted = usize::try_from(amount).unwrap_or(0);
        if shim
            .gathered
            .as_deref()
            .is_some_and(|g| g.overlaps(offset, wanted))
        {
            let rc = write_out(file);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
        }
        let (_, inner, methods) = parts(file);
        methods.xRead.map_or(ffi::SQLITE_IOERR_READ, |read| {
            read(inner, buffer, amount, offset)
        })
    }
}

unsafe extern "C" fn write(
    file: *mut ffi::sqlite3_file,
    buffer: *const c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    // SAFETY (whole function): SQLite calls a file it opened through `open`, with `amount`
    // readable bytes at `buffer`.
    unsafe {
        let (shim, inner, methods) = parts(file);
        let Some(gathered) = shim.gathered.as_deref_mut() else {
            return methods.xWrite.map_or(ffi::SQLITE_IOERR_WRITE, |w| {
                w(inner, buffer, amount, offset)
            });
        };
        let data =
            std::slice::from_raw_parts(buffer.cast::<u8>(), usize::try_from(amount).unwrap_or(0));
        if gathered.holds(offset, data.len()) {
            // A frame of this transaction written again: in place.
            let from = usize::try_from(offset - gathered.at).unwrap_or(0);
            gathered.bytes[from..from + data.len()].copy_from_slice(data);
        } else if !gathered.bytes.is_empty()
            && offset == gathered.end()
            && gathered.bytes.len() + data.len() <= MOST_PER_WRITE
        {
            gathered.bytes.extend_from_slice(data);
        } else {
            let commit_page_next = gathered.commit_page_next;
            let rc = write_out(file);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
            let (shim, _, _) = parts(file);
            let Some(fresh) = shim.gathered.as_deref_mut() else {
                return ffi::SQLITE_IOERR_WRITE;
            };
            fresh.at = offset;
            fresh.commit_page_next = commit_page_next;
            fresh.bytes.extend_from_slice(data);
        }
        after_write(file, data)
    }
}

/// A commit's last frame goes out as soon as it is in: its header, with everything before it
/// (SQLite may rewrite that header in place, after its page), then its page. Whatever SQLite
/// does next (sync the log, or publish the commit at `synchronous = NORMAL`) finds it there.
///
/// # Safety
/// As [`parts`].
unsafe fn after_write(file: *mut ffi::sqlite3_file, data: &[u8]) -> c_int {
    // SAFETY: as the function's contract says.
    let (shim, _, _) = unsafe { parts(file) };
    let Some(gathered) = shim.gathered.as_deref_mut() else {
        return ffi::SQLITE_OK;
    };
    let commit_page = std::mem::take(&mut gathered.commit_page_next);
    let commit_header = data.len() == FRAME_HEADER && data[4..8] != [0; 4];
    if !(commit_page || commit_header) {
        return ffi::SQLITE_OK;
    }
    // SAFETY: as the function's contract says.
    let rc = unsafe { write_out(file) };
    // SAFETY: as the function's contract says; `write_out`'s reference has ended.
    let (shim, _, _) = unsafe { parts(file) };
    if let Some(gathered) = shim.gathered.as_deref_mut() {
        gathered.commit_page_next = commit_header;
    }
    rc
}

/// Writes the gathered writes out, then asks the default VFS's file.
macro_rules! after_writing_out {
    ($name:ident($($arg:ident: $ty:ty),*) via $method:ident or $missing:expr) => {
        unsafe extern "C" fn $name(file: *mut ffi::sqlite3_file, $($arg: $ty),*) -> c_int {
            // SAFETY: SQLite calls a file it opened through `open`.
            unsafe {
                let rc = write_out(file);
                if rc != ffi::SQLITE_OK {
                    return rc;
                }
                let (_, inner, methods) = parts(file);
                methods.$method.map_or($missing, |f| f(inner, $($arg),*))
            }
        }
    };
}

/// Asks the default VFS's file.
macro_rules! forwarded {
    ($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty, via $method:ident or $missing:expr) => {
        unsafe extern "C" fn $name(file: *mut ffi::sqlite3_file, $($arg: $ty),*) -> $ret {
            // SAFETY: SQLite calls a file it opened through `open`.
            unsafe {
                let (_, inner, methods) = parts(file);
                methods.$method.map_or($missing, |f| f(inner, $($arg),*))
            }
        }
    };
}

after_writing_out!(truncate(size: i64) via xTruncate or ffi::SQLITE_IOERR_TRUNCATE);
after_writing_out!(sync(flags: c_int) via xSync or ffi::SQLITE_IOERR_FSYNC);
after_writing_out!(file_size(size: *mut i64) via xFileSize or ffi::SQLITE_IOERR_FSTAT);
after_writing_out!(file_control(op: c_int, arg: *mut c_void) via xFileControl or ffi::SQLITE_NOTFOUND);
forwarded!(lock(level: c_int) -> c_int, via xLock or ffi::SQLITE_IOERR_LOCK);
forwarded!(unlock(level: c_int) -> c_int, via xUnlock or ffi::SQLITE_IOERR_UNLOCK);
forwarded!(check_reserved_lock(out: *mut c_int) -> c_int, via xCheckReservedLock or ffi::SQLITE_IOERR_CHECKRESERVEDLOCK);
forwarded!(sector_size() -> c_int, via xSectorSize or 4096);
forwarded!(device_characteristics() -> c_int, via xDeviceCharacteristics or 0);
forwarded!(shm_map(page: c_int, size: c_int, extend: c_int, out: *mut *mut c_void) -> c_int, via xShmMap or ffi::SQLITE_IOERR_SHMMAP);
forwarded!(shm_unmap(delete: c_int) -> c_int, via xShmUnmap or ffi::SQLITE_OK);
forwarded!(fetch(offset: i64, amount: c_int, out: *mut *mut c_void) -> c_int, via xFetch or ffi::SQLITE_OK);
forwarded!(unfetch(offset: i64, page: *mut c_void) -> c_int, via xUnfetch or ffi::SQLITE_OK);

unsafe extern "C" fn shm_barrier(file: *mut ffi::sqlite3_file) {
    // SAFETY: SQLite calls a file it opened through `open`.
    unsafe {
        let (_, inner, methods) = parts(file);
        if let Some(barrier) = methods.xShmBarrier {
            barrier(inner);
        }
    }
}

/// Before the log's write lock goes, so do the log's gathered writes.
unsafe extern "C" fn shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    // SAFETY (whole function): SQLite calls a database file it opened through `open`; its
    // log, if linked, is open on the same connection.
    unsafe {
        let (shim, inner, methods) = parts(file);
        let releases_write_lock = flags & ffi::SQLITE_SHM_UNLOCK != 0
            && offset <= WAL_WRITE_LOCK
            && WAL_WRITE_LOCK < offset + n;
        if releases_write_lock && !shim.other.is_null() {
            let rc = write_out(shim.other.cast());
            if rc != ffi::SQLITE_OK {
                // Released anyway, as the caller asked; the write's failure is its answer.
                if let Some(lock) = methods.xShmLock {
                    lock(inner, offset, n, flags);
                }
                return rc;
            }
        }
        methods.xShmLock.map_or(ffi::SQLITE_IOERR_SHMLOCK, |lock| {
            lock(inner, offset, n, flags)
        })
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::{QueryableByName, RunQueryDsl, SqliteConnection};

    use super::super::connection::sqlite_pragmas;
    use super::super::establish_sqlite;
    use crate::platform::config::SqliteSynchronous;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }

    fn open(path: &std::path::Path) -> SqliteConnection {
        let mut c = establish_sqlite(path.to_str().expect("a UTF-8 path")).expect("opens");
        c.batch_execute(&sqlite_pragmas(SqliteSynchronous::Full, 5000))
            .expect("Brigade's pragmas");
        c
    }

    fn count(c: &mut SqliteConnection, filter: &str) -> i64 {
        diesel::sql_query(format!("SELECT count(*) AS n FROM t WHERE {filter}"))
            .get_result::<Count>(c)
            .expect("counts")
            .n
    }

    /// This thread's write system calls so far.
    fn writes_made() -> u64 {
        let io = std::fs::read_to_string("/proc/thread-self/io").expect("Linux keeps I/O counts");
        io.lines()
            .find_map(|l| l.strip_prefix("syscw: "))
            .and_then(|n| n.trim().parse().ok())
            .expect("syscw is counted")
    }

    #[test]
    fn a_commit_reaches_the_log_in_a_few_writes_and_every_connection_reads_it() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("log.db");
        let mut writer = open(&path);
        writer
            .batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
            .expect("a table");
        let before = writes_made();
        writer
            .batch_execute(
                "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
                 INSERT INTO t (body) SELECT printf('%.600c', 'x') FROM n; COMMIT;",
            )
            .expect("a commit of some 25 pages, under one write's worth");
        let writes = writes_made() - before;
        // Two: everything up to the commit's last frame header, then its page. SQLite alone
        // makes two writes a frame: some fifty here.
        assert!(writes <= 3, "the commit took {writes} writes");
        let mut reader = open(&path);
        assert_eq!(count(&mut reader, "length(body) = 600"), 150);
    }

    #[test]
    fn a_rollback_after_spilling_leaves_nothing_to_write_over_another_connections_commit() {
        let dir = tempfile::tempdir().expect("a directory");
        let path = dir.path().join("spill.db");
        let mut first = open(&path);
        first
            .batch_execute(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL, body TEXT NOT NULL);
                 PRAGMA cache_size = 8;",
            )
            .expect("a table, and a cache small enough to spill");
        // The cache spills frames of this transaction to the log, then it rolls back.
        first
            .batch_execute(
                "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
                 INSERT INTO t (who, body) SELECT 'spilled', printf('%.900c', 's') FROM n;
                 ROLLBACK;",
            )
            .expect("a rolled-back transaction");
        let mut second = open(&path);
        second
            .batch_execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
                 INSERT INTO t (who, body) SELECT 'second', printf('%.900c', 'b') FROM n;",
            )
            .expect("another connection's commit, where the spilled frames were");
        first
            .batch_execute("INSERT INTO t (who, body) VALUES ('first', 'again');")
            .expect("the first connection commits after it");
        let mut third = open(&path);
        let check = diesel::sql_query("PRAGMA integrity_check")
            .get_result::<Check>(&mut third)
            .expect("checks");
        assert_eq!(check.integrity_check, "ok");
        assert_eq!(
            count(&mut third, "who = 'second' AND length(body) = 900"),
            50
        );
        assert_eq!(count(&mut third, "who = 'first'"), 1);
        assert_eq!(count(&mut third, "who = 'spilled'"), 0);
    }
}
