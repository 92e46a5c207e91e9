//! Counters in Redis, so every replica counts against the same limit: a window per bucket
//! that starts at its first call and expires with it (INCR + PEXPIRE in one script).

use std::sync::{Arc, Mutex};

use super::policy::{Count, Decision, Window};

const SCRIPT: &str = r"
local out = {}
for i = 1, #KEYS do
  local c = redis.call('INCR', KEYS[i])
  if c == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[i]) end
  out[#out + 1] = c
  out[#out + 1] = redis.call('PTTL', KEYS[i])
end
return out
";

pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: Option<redis::Client>,
    prefix: String,
    /// One reused connection per idle slot; calls run on the blocking pool.
    idle: Mutex<Vec<redis::Connection>>,
    script: redis::Script,
}

impl RedisStore {
    pub fn new(url: &str, prefix: &str) -> Self {
        let client = redis::Client::open(url)
            .inspect_err(
                |e| tracing::error!(error = %e, "invalid rate_limit.redis_url; limits are off"),
            )
            .ok();
        Self {
            inner: Arc::new(Inner {
                client,
                prefix: prefix.to_owned(),
                idle: Mutex::new(Vec::new()),
                script: redis::Script::new(SCRIPT),
            }),
        }
    }
}

impl Inner {
    fn run(&self, keys: &[String], windows: &[Window]) -> redis::RedisResult<Vec<i64>> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut conn = match pooled {
            Some(conn) => conn,
            None => match &self.client {
                Some(client) => client.get_connection()?,
                None => return Ok(Vec::new()),
            },
        };
        let mut invocation = self.script.prepare_invoke();
        for (key, window) in keys.iter().zip(windows) {
            invocation.key(key).arg(window.secs * 1000);
        }
        let out: Vec<i64> = invocation.invoke(&mut conn)?;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        Ok(out)
    }
}

impl RedisStore {
    /// Fails open: if Redis cannot be reached the call is allowed (and logged), because an
    /// outage of the limiter must not become an outage of the API.
    pub async fn check(&self, key: &str, windows: &[Window]) -> Decision {
        let keys: Vec<String> = windows
            .iter()
            .map(|w| format!("{}:{key}:{}", self.inner.prefix, w.secs))
            .collect();
        let windows_owned = windows.to_vec();
        let inner = self.inner.clone();
        let result =
            actix_web::rt::task::spawn_blocking(move || inner.run(&keys, &windows_owned)).await;
        match result {
            Ok(Ok(values)) if values.len() == windows.len() * 2 => Decision::from_counts(
                windows
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let (count, pttl) = (values[2 * i].max(0) as u64, values[2 * i + 1]);
                        let quota = w.quota;
                        Count {
                            window: *w,
                            remaining: quota.saturating_sub(count),
                            reset_secs: (pttl.max(0) as u64).div_ceil(1000),
                            exceeded: count > quota,
                        }
                    })
                    .collect(),
            ),
            Ok(Ok(_)) => Decision::unlimited(),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "rate-limit store unavailable; allowing the call");
                Decision::unlimited()
            }
            Err(_) => Decision::unlimited(),
        }
    }
}
