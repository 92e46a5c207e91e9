//! When a failed delivery is tried again: the configured schedule, spread by jitter.

use std::time::Duration;

/// The wait before attempt `attempts + 1`, after `attempts` failed ones; `None` once the
/// schedule is spent. `unit` in `[0, 1)` picks where in the jitter band the wait falls.
pub fn next_wait(
    schedule_ms: &[u64],
    attempts: usize,
    jitter_percent: u8,
    unit: f64,
) -> Option<Duration> {
    let base = *schedule_ms.get(attempts.checked_sub(1)?)? as f64;
    let spread = base * f64::from(jitter_percent) / 100.0;
    let wait = base - spread + 2.0 * spread * unit.clamp(0.0, 1.0);
    Some(Duration::from_millis(wait.max(0.0) as u64))
}

/// A uniform number in `[0, 1)` from the operating system.
pub fn random_unit() -> f64 {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    f64::from(u32::from_le_bytes(b)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_followed_with_bounded_jitter_then_given_up() {
        let schedule = [1000, 60_000];
        assert_eq!(next_wait(&schedule, 0, 10, 0.5), None, "nothing failed yet");
        assert_eq!(
            next_wait(&schedule, 1, 10, 0.5),
            Some(Duration::from_millis(1000))
        );
        assert_eq!(
            next_wait(&schedule, 1, 10, 0.0),
            Some(Duration::from_millis(900))
        );
        assert_eq!(
            next_wait(&schedule, 2, 10, 0.999_999),
            Some(Duration::from_millis(65_999))
        );
        assert_eq!(next_wait(&schedule, 3, 10, 0.5), None, "schedule spent");
        let u = random_unit();
        assert!((0.0..1.0).contains(&u));
    }
}
