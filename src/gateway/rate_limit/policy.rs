//! Windows, decisions and the `RateLimit-Policy` / `RateLimit` header values.

use actix_web::http::header::HeaderMap;

use crate::platform::config::PlanSettings;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub name: &'static str,
    pub quota: u64,
    pub secs: u64,
}

/// A plan's limited windows (a 0 quota means that window is not limited).
pub fn windows(plan: &PlanSettings) -> Vec<Window> {
    [
        ("second", plan.per_second, 1),
        ("minute", plan.per_minute, 60),
        ("hour", plan.per_hour, 3600),
    ]
    .into_iter()
    .filter(|(_, quota, _)| *quota > 0)
    .map(|(name, quota, secs)| Window {
        name,
        quota: u64::from(quota),
        secs,
    })
    .collect()
}

/// One window's state after counting a call.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    pub window: Window,
    /// Calls left in the window (0 when refused).
    pub remaining: u64,
    /// Seconds until the window has room again.
    pub reset_secs: u64,
    pub exceeded: bool,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub allowed: bool,
    counts: Vec<Count>,
}

impl Decision {
    pub fn unlimited() -> Self {
        Self {
            allowed: true,
            counts: Vec::new(),
        }
    }

    pub fn from_counts(counts: Vec<Count>) -> Self {
        Self {
            allowed: counts.iter().all(|c| !c.exceeded),
            counts,
        }
    }

    /// The window that binds: the exceeded one with the longest wait, else the one with the
    /// fewest calls left.
    fn binding(&self) -> Option<&Count> {
        let exceeded = self
            .counts
            .iter()
            .filter(|c| c.exceeded)
            .max_by_key(|c| c.reset_secs);
        exceeded.or_else(|| {
            self.counts
                .iter()
                .min_by_key(|c| (c.remaining, c.window.secs))
        })
    }

    /// Adds the monthly quota: `used` calls so far this calendar month (UTC), which ends in
    /// `month_left_secs`; the month is `month_secs` long.
    pub fn with_month(
        mut self,
        quota: u64,
        used: u64,
        month_secs: u64,
        month_left_secs: u64,
    ) -> Self {
        let exceeded = used >= quota;
        self.counts.push(Count {
            window: Window {
                name: "month",
                quota,
                secs: month_secs,
            },
            remaining: quota.saturating_sub(used + 1),
            reset_secs: month_left_secs.max(1),
            exceeded,
        });
        self.allowed &= !exceeded;
        self
    }

    /// Whether the monthly quota is what refuses this call.
    pub fn quota_exhausted(&self) -> bool {
        self.binding()
            .is_some_and(|c| c.exceeded && c.window.name == "month")
    }

    pub fn retry_after_secs(&self) -> u64 {
        self.binding().map_or(1, |c| c.reset_secs.max(1))
    }

    /// `RateLimit-Policy: "second";q=10;w=1, "minute";q=300;w=60` and
    /// `RateLimit: "minute";r=12;t=40` (draft-ietf-httpapi-ratelimit-headers).
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        if self.counts.is_empty() {
            return;
        }
        let policy: Vec<String> = self
            .counts
            .iter()
            .map(|c| {
                format!(
                    "\"{}\";q={};w={}",
                    c.window.name, c.window.quota, c.window.secs
                )
            })
            .collect();
        super::set(headers, "ratelimit-policy", &policy.join(", "));
        if let Some(c) = self.binding() {
            let value = format!("\"{}\";r={};t={}", c.window.name, c.remaining, c.reset_secs);
            super::set(headers, "ratelimit", &value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(
        name: &'static str,
        quota: u64,
        secs: u64,
        remaining: u64,
        reset: u64,
        exceeded: bool,
    ) -> Count {
        Count {
            window: Window { name, quota, secs },
            remaining,
            reset_secs: reset,
            exceeded,
        }
    }

    #[test]
    fn headers_name_every_window_and_the_binding_one() {
        let d = Decision::from_counts(vec![
            count("second", 10, 1, 9, 1, false),
            count("minute", 300, 60, 4, 40, false),
        ]);
        let mut h = HeaderMap::new();
        d.write_headers(&mut h);
        assert_eq!(
            h.get("ratelimit-policy").unwrap(),
            "\"second\";q=10;w=1, \"minute\";q=300;w=60"
        );
        assert_eq!(h.get("ratelimit").unwrap(), "\"minute\";r=4;t=40");
        assert!(d.allowed);
    }

    #[test]
    fn an_exhausted_monthly_quota_refuses_until_the_month_ends() {
        let within = Decision::from_counts(vec![count("minute", 300, 60, 10, 5, false)])
            .with_month(1000, 998, 2_592_000, 86_400);
        assert!(within.allowed && !within.quota_exhausted());
        let mut h = HeaderMap::new();
        within.write_headers(&mut h);
        assert_eq!(
            h.get("ratelimit-policy").unwrap(),
            "\"minute\";q=300;w=60, \"month\";q=1000;w=2592000"
        );
        assert_eq!(h.get("ratelimit").unwrap(), "\"month\";r=1;t=86400");
        let spent = Decision::from_counts(vec![count("minute", 300, 60, 10, 5, false)])
            .with_month(1000, 1000, 2_592_000, 86_400);
        assert!(!spent.allowed && spent.quota_exhausted());
        assert_eq!(spent.retry_after_secs(), 86_400);
    }

    #[test]
    fn a_refusal_waits_for_the_longest_exceeded_window() {
        let d = Decision::from_counts(vec![
            count("second", 10, 1, 0, 1, true),
            count("minute", 300, 60, 0, 35, true),
        ]);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_secs(), 35);
        assert!(windows(&PlanSettings::default()).is_empty());
    }
}
