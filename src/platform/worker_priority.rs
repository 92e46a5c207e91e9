//! The public API's HTTP workers run a few `nice` steps below the rest of the process.
//!
//! On a machine with few cores, requests and event work (the outbox dispatcher, the
//! consumers that turn a paid order into a kitchen ticket, the SQLite writer) share the same
//! cores. The scheduler shares them evenly, so under load a paid order's next hop waits behind
//! requests that arrived after it. A worker a few steps lower still gets nearly all the CPU
//! when nothing else wants it, but yields to event work that is ready. Measured on two cores
//! with 16 customers (`docs/performance.md`, "The HTTP workers a few steps lower"):
//! paid→ticket's p99 on PostgreSQL 24.9–31.4 ms against 38.5–64.9 ms, and on SQLite 20 % more
//! orders a second, the single writer's commits coming sooner.
//!
//! Each worker lowers only its own thread (and the blocking threads it starts later, which
//! inherit it); a thread's own `nice` can always be raised without privilege. Linux only:
//! elsewhere a priority is the whole process's.

use std::cell::Cell;

/// The highest `nice` Linux allows.
pub const LOWEST: u8 = 19;

thread_local! {
    static LOWERED: Cell<bool> = const { Cell::new(false) };
}

/// Lowers the calling thread's priority by `steps` (`nice` + `steps`, at most 19), once per
/// thread however often it is called; 0 leaves it alone. A failure is logged, not fatal:
/// the worker still serves, only without the lowered priority.
pub fn lower_this_thread(steps: u8) {
    if steps == 0 || LOWERED.with(|lowered| lowered.replace(true)) {
        return;
    }
    if let Err(error) = lower(steps) {
        tracing::warn!(%error, steps, "the HTTP worker's priority could not be lowered");
    }
}

#[cfg(target_os = "linux")]
fn lower(steps: u8) -> std::io::Result<()> {
    let now = this_thread_nice()?;
    let wanted = (now + i32::from(steps)).min(i32::from(LOWEST));
    // SAFETY: setpriority only changes the scheduling of the thread named by its own id.
    let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, this_thread(), wanted) };
    if done == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn lower(_steps: u8) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "a thread's own priority is set on Linux only",
    ))
}

/// The calling thread's `nice` (on Linux, `PRIO_PROCESS` with a thread id names that thread).
#[cfg(target_os = "linux")]
fn this_thread_nice() -> std::io::Result<i32> {
    // getpriority may answer -1 as a priority: errno alone tells a failure.
    // SAFETY: errno is this thread's own; getpriority only reads.
    let nice = unsafe {
        *libc::__errno_location() = 0;
        libc::getpriority(libc::PRIO_PROCESS, this_thread())
    };
    if nice == -1 {
        let error = std::io::Error::last_os_error();
        if error.raw_os_error() != Some(0) {
            return Err(error);
        }
    }
    Ok(nice)
}

#[cfg(target_os = "linux")]
fn this_thread() -> libc::id_t {
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    tid as libc::id_t
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Runs `check` on a fresh thread, so the test runner's own thread keeps its priority.
    fn on_own_thread(check: impl FnOnce() + Send + 'static) {
        std::thread::spawn(check).join().unwrap();
    }

    #[test]
    fn a_worker_lowers_its_own_thread_once_by_the_steps_asked() {
        on_own_thread(|| {
            let before = this_thread_nice().unwrap();
            lower_this_thread(5);
            assert_eq!(this_thread_nice().unwrap(), (before + 5).min(19));
            lower_this_thread(5);
            assert_eq!(
                this_thread_nice().unwrap(),
                (before + 5).min(19),
                "once only"
            );
        });
    }

    #[test]
    fn other_threads_keep_their_priority() {
        let here = this_thread_nice().unwrap();
        on_own_thread(|| lower_this_thread(7));
        assert_eq!(this_thread_nice().unwrap(), here);
    }

    #[test]
    fn zero_steps_leave_the_thread_alone() {
        on_own_thread(|| {
            let before = this_thread_nice().unwrap();
            lower_this_thread(0);
            assert_eq!(this_thread_nice().unwrap(), before);
        });
    }

    #[test]
    fn nineteen_is_the_floor() {
        on_own_thread(|| {
            lower(10).unwrap();
            lower(15).unwrap();
            assert_eq!(this_thread_nice().unwrap(), i32::from(LOWEST));
        });
    }

    #[test]
    fn threads_a_lowered_worker_starts_inherit_its_priority() {
        on_own_thread(|| {
            lower_this_thread(3);
            let worker = this_thread_nice().unwrap();
            let child = std::thread::spawn(this_thread_nice)
                .join()
                .unwrap()
                .unwrap();
            assert_eq!(child, worker);
        });
    }
}
