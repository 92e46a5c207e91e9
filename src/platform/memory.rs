//! Allocator settings that keep memory bounded under bursts.

/// Large allocations (argon2's `memory_kib` per password hash) are mapped and unmapped on their own
/// rather than carved out of the heap. glibc otherwise raises its mmap threshold after the
/// first such free, and the freed regions then stay in the process, fragmented: 200
/// concurrent sign-ins held hundreds of MiB long after they finished. Idempotent.
pub fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; 128 KiB is glibc's documented default,
    // set explicitly so it stays fixed.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// At most two allocator arenas per core. glibc gives threads up to eight arenas per core,
/// and each keeps what it once held: under load, arenas of short-lived threads took RSS up
/// by several MiB a minute. One per core had the SQLite writer share an arena with request
/// threads and wait on its lock thousands of times a second; two per core placed and paid
/// about a tenth more orders a second for 2–3 MiB more at the peak (see the README's
/// Performance section). An operator's `MALLOC_ARENA_MAX` (glibc's own setting) wins.
/// Idempotent.
pub fn two_arenas_per_core() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        // SAFETY: mallopt only changes allocator tuning.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, (2 * cores.max(1)) as libc::c_int);
        }
    }
}

/// Hands memory already freed back to the operating system. Start-up builds the whole
/// contract several times over (tens of MiB, all freed again), and glibc otherwise keeps
/// those pages in the process: idle RSS went from 72 to 40 MiB with this after start-up.
pub fn return_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory at the top and inside the heap's arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}
