//! Allocator settings that keep memory bounded under bursts.

/// Large allocations (argon2's 19 MiB per password hash) are mapped and unmapped on their own
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
