//! Brigade's settings: the platform's and the edge's sections, and each module's own section
//! as its descriptor declares it. Layered: built-in defaults → optional TOML file →
//! environment (`BRIGADE_<SECTION>__<KEY>`, double underscore between levels, e.g.
//! `BRIGADE_SERVER__BIND=0.0.0.0:8080`); `DATABASE_URL`, when set, wins over `database.url`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::modules::catalog::api::CatalogSettings;
use crate::modules::delivery::api::DeliverySettings;
use crate::modules::governance::api::GovernanceSettings;
use crate::modules::identity::api::AuthSettings;
use crate::modules::kitchen::api::KitchenSettings;
use crate::modules::ordering::api::OrderingSettings;
use crate::modules::payments::api::PaymentSettings;
use crate::modules::webhooks::api::WebhookSettings;
use crate::platform::config::{
    ConfigError, DatabaseSettings, EventSettings, IdempotencySettings, LogSettings,
    MetricsSettings, PLATFORM_DEFAULTS, RateLimitSettings, ServerSettings, is_origin,
};
use crate::platform::remote::{InternalSettings, TopologySettings};
use crate::platform::retention::RetentionSettings;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub catalog: CatalogSettings,
    pub events: EventSettings,
    pub ordering: OrderingSettings,
    pub payments: PaymentSettings,
    pub kitchen: KitchenSettings,
    pub delivery: DeliverySettings,
    pub rate_limit: RateLimitSettings,
    pub idempotency: IdempotencySettings,
    pub retention: RetentionSettings,
    pub governance: GovernanceSettings,
    pub webhooks: WebhookSettings,
    pub metrics: MetricsSettings,
    pub log: LogSettings,
    pub topology: TopologySettings,
    pub internal: InternalSettings,
}

/// Every section's defaults: the platform's, then each module's from its descriptor.
fn defaults() -> String {
    let mut all = PLATFORM_DEFAULTS.to_owned();
    all.push_str(crate::platform::remote::DEFAULTS);
    for module in crate::modules::all() {
        if let Some(section) = module.descriptor.settings {
            all.push_str(section.defaults);
        }
    }
    all
}

impl Settings {
    /// Reads defaults, then `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_from(file, std::env::vars())
    }

    /// Like [`Settings::load`] with an explicit environment, so tests need not touch the
    /// process's own.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let settings: Self = crate::platform::config::load(&defaults(), file, env)?;
        settings.check()?;
        Ok(settings)
    }

    /// Checks what the types cannot say (again after the command line changed something).
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, why: &str| Err(ConfigError::Invalid(format!("{key}: {why}")));
        if crate::platform::db::DatabaseUrl::parse(&self.database.url).is_err() {
            return invalid(
                "database.url",
                "must start with sqlite:// or postgres:// (or postgresql://)",
            );
        }
        for origin in &self.server.cors_allowed_origins {
            if !is_origin(origin) {
                return invalid(
                    "server.cors_allowed_origins",
                    &format!("{origin:?} is not an origin such as https://app.example.com"),
                );
            }
        }
        let rl = &self.rate_limit;
        for (key, plan) in [
            ("rate_limit.anonymous_plan", &rl.anonymous_plan),
            ("rate_limit.user_plan", &rl.user_plan),
            ("rate_limit.staff_plan", &rl.staff_plan),
        ] {
            if !rl.plans.contains_key(plan) {
                return invalid(key, &format!("names no plan in rate_limit.plans: {plan:?}"));
            }
        }
        for proxy in &rl.trusted_proxies {
            if proxy.parse::<std::net::IpAddr>().is_err() {
                return invalid(
                    "rate_limit.trusted_proxies",
                    &format!("{proxy:?} is not an IP address"),
                );
            }
        }
        for network in &self.metrics.allowed_networks {
            if network.parse::<ipnet::IpNet>().is_err() {
                return invalid(
                    "metrics.allowed_networks",
                    &format!("{network:?} is not a network such as 10.0.0.0/8"),
                );
            }
        }
        if !(1024..=131_072).contains(&self.server.max_header_bytes) {
            return invalid("server.max_header_bytes", "must be between 1024 and 131072");
        }
        if self.server.worker_nice > crate::platform::worker_priority::LOWEST {
            return invalid("server.worker_nice", "must be between 0 (off) and 19");
        }
        if !self.log.otlp_endpoint.is_empty() && !self.log.otlp_endpoint.starts_with("http://") {
            return invalid(
                "log.otlp_endpoint",
                "must be an http:// URL of an OTLP/HTTP collector (e.g. a local agent)",
            );
        }
        if self.server.tls_cert_path.is_some() != self.server.tls_key_path.is_some() {
            return invalid(
                "server.tls_cert_path",
                "set both tls_cert_path and tls_key_path, or neither",
            );
        }
        if self.idempotency.retention_hours < 24 {
            return invalid("idempotency.retention_hours", "must be at least 24");
        }
        if self.idempotency.in_flight_lease_secs == 0 {
            return invalid("idempotency.in_flight_lease_secs", "must be at least 1");
        }
        if self.events.max_attempts < 1 {
            return invalid("events.max_attempts", "must be at least 1");
        }
        let prefix = &self.events.stream_prefix;
        if prefix.is_empty()
            || prefix.len() > 32
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        {
            return invalid(
                "events.stream_prefix",
                "1 to 32 letters, digits, - or _ (it names streams and subjects)",
            );
        }
        if self.events.stream_max_age_secs == 0 || self.events.stream_duplicate_window_secs == 0 {
            return invalid(
                "events.stream_max_age_secs",
                "stream windows must be at least 1 s",
            );
        }
        if self.events.poll_interval_ms == 0 {
            return invalid("events.poll_interval_ms", "must be at least 1");
        }
        if self.events.outbox_retention_hours == 0 {
            return invalid("events.outbox_retention_hours", "must be at least 1");
        }
        // A redelivery of an event whose inbox record is gone would be handled twice.
        let redelivered_for_hours = (self.events.stream_max_age_secs.div_ceil(3600))
            .max(u64::from(self.events.outbox_retention_hours));
        if u64::from(self.events.inbox_retention_hours) < redelivered_for_hours {
            return invalid(
                "events.inbox_retention_hours",
                "must cover events.outbox_retention_hours and events.stream_max_age_secs (an event can be delivered again for that long)",
            );
        }
        if self.database.pool_size == 0 {
            return invalid("database.pool_size", "must be at least 1");
        }
        if self.server.body_limit_bytes == 0 {
            return invalid("server.body_limit_bytes", "must be at least 1");
        }
        let modules: Vec<&str> = crate::modules::all()
            .iter()
            .map(|m| m.descriptor.name)
            .collect();
        self.topology.check(&modules)?;
        self.internal.check()?;
        if !self.topology.remote.is_empty() && self.internal.signing_key.is_empty() {
            return invalid(
                "internal.signing_key",
                "modules hosted elsewhere are called with signed tokens: set a key (brigade internal-key)",
            );
        }
        if !self.topology.internal_bind.is_empty() && self.internal.trusted_keys.is_empty() {
            return invalid(
                "internal.trusted_keys",
                "an internal listener accepts only signed calls: trust at least one public key",
            );
        }
        for section in [
            self.auth.check(),
            self.ordering.check(),
            self.governance.check(),
            self.payments.check(),
            self.webhooks.check(),
            self.retention.check(),
        ] {
            section?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::config::SqliteSynchronous;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn cors_origins_come_as_a_list_or_a_comma_separated_string_and_never_as_a_wildcard() {
        let s = Settings::load_from(
            None,
            env(&[(
                "BRIGADE_SERVER__CORS_ALLOWED_ORIGINS",
                "https://a.example, http://localhost:3000",
            )]),
        )
        .unwrap();
        assert_eq!(
            s.server.cors_allowed_origins,
            ["https://a.example", "http://localhost:3000"]
        );
        for bad in [
            "*",
            "https://a.example/path",
            "a.example",
            "ftp://a.example",
        ] {
            let err =
                Settings::load_from(None, env(&[("BRIGADE_SERVER__CORS_ALLOWED_ORIGINS", bad)]))
                    .unwrap_err()
                    .to_string();
            assert!(err.contains("server.cors_allowed_origins"), "{bad}: {err}");
        }
    }

    #[test]
    fn defaults_are_usable() {
        let s = Settings::load_from(None, env(&[])).unwrap();
        assert_eq!(s.server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database.url, "sqlite://./data/brigade.db");
        assert_eq!(
            (s.auth.argon2.memory_kib, s.auth.argon2.iterations),
            (7168, 5)
        );
        assert_eq!(s.database.sqlite_synchronous, SqliteSynchronous::Full);
        assert_eq!(s.server.worker_nice, 5);
    }

    #[test]
    fn environment_overrides_defaults_and_database_url_wins() {
        let s = Settings::load_from(
            None,
            env(&[
                ("BRIGADE_SERVER__BIND", "0.0.0.0:9000"),
                ("BRIGADE_DATABASE__URL", "sqlite://a.db"),
                ("DATABASE_URL", "postgres://localhost/x"),
                ("BRIGADE_AUTH__ARGON2__MEMORY_KIB", "64"),
            ]),
        )
        .unwrap();
        assert_eq!(s.server.bind.port(), 9000);
        assert_eq!(s.database.url, "postgres://localhost/x");
        assert_eq!(s.auth.argon2.memory_kib, 64);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let err = Settings::load_from(None, env(&[("BRIGADE_SERVER__BIND", "nowhere")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("server.bind"), "{err}");
        let err = Settings::load_from(None, env(&[("DATABASE_URL", "mysql://x")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("database.url"), "{err}");
        let err = Settings::load_from(None, env(&[("BRIGADE_SERVER__NOPE", "1")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope"), "{err}");
        for bad in ["20", "-1"] {
            let err = Settings::load_from(None, env(&[("BRIGADE_SERVER__WORKER_NICE", bad)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains("worker_nice"), "{bad}: {err}");
        }
        // Payments' keys outlive the edge's shortest window for an Idempotency-Key.
        let err = Settings::load_from(
            None,
            env(&[("BRIGADE_PAYMENTS__KEY_RETENTION_HOURS", "23")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("payments.key_retention_hours"), "{err}");
    }
}
