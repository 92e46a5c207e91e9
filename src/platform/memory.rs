//! The allocator, and handing memory back once start-up is done with it.
//!
//! mimalloc serves every allocation: Rust's, and (it overrides `malloc`) SQLite's and libpq's.
//! glibc's allocator served them before. Its threads share a few arenas, each behind one lock,
//! and a block goes back to the arena it came from under that lock, whichever thread frees
//! it. The SQLite writer frees what request threads allocated and allocates what they free,
//! so under load it waited on those locks some 900 times a second. mimalloc gives each thread
//! its own heap, and another thread's frees go back on a list without a lock.
//! `docs/performance.md` has the figures ("One allocator heap per thread").

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mi_option_t` has no Rust name in libmimalloc-sys
/// for mimalloc 3; a test checks the number still names it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed pages go back to the operating system at once. mimalloc waits a second by default
/// in case they are wanted again: the journey bench then peaked at 66 MiB, against 60.5 MiB
/// with no delay and 63 MiB with 10 ms, at the same orders/s. An operator's
/// `MIMALLOC_PURGE_DELAY` (mimalloc's own setting) wins. Idempotent.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set only changes allocator tuning.
        unsafe {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        }
    }
}

/// Hands memory already freed back to the operating system. Start-up builds the whole
/// contract several times over (tens of MiB, all freed again); this returns those pages now
/// rather than when the allocator's purge delay comes round.
pub fn return_freed() {
    // SAFETY: mi_collect only releases memory that is already free.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_pages_are_purged_at_once() {
        // SAFETY: reading an option has no effect.
        let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert!(
            before == 1000 || before == 0,
            "option {PURGE_DELAY} is not the purge delay (1000 ms by default): {before}"
        );
        configure();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }
}
