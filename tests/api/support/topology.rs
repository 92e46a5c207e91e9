//! Brigade split across processes: a process hosting some modules for others (`Host`), and
//! an edge calling them, each started the way `brigade serve --modules ...` starts them.

use brigade::app::{Application, Settings};

use super::{Database, TestApp, test_settings_with};

/// An internal-token key pair, as `brigade internal-key` makes one.
pub struct Keys {
    pub id: String,
    pub seed: String,
    pub public: String,
}

impl Keys {
    pub fn new(id: &str) -> Keys {
        let (seed, public) = brigade::platform::internal_token::generate_key();
        Keys {
            id: id.to_owned(),
            seed,
            public,
        }
    }

    /// Signs calls to other processes with this key and trusts it for calls coming in.
    pub fn apply(&self, settings: &mut Settings) {
        settings.internal.key_id = self.id.clone();
        settings.internal.signing_key = self.seed.clone();
        settings
            .internal
            .trusted_keys
            .insert(self.id.clone(), self.public.clone());
    }
}

/// A process hosting `modules` for others: no public API, only its internal listener.
pub struct Host {
    /// `http://127.0.0.1:<internal port>`.
    pub internal: String,
    pub modules: Vec<String>,
    pub database_url: String,
    /// Its own database, when it has one (dropped with it).
    own: Option<Database>,
}

impl Host {
    /// Starts on `database_url` with its internal listener on `port` (0: any free one).
    pub async fn start(database_url: &str, modules: &[&str], keys: &Keys, port: u16) -> Host {
        Self::start_calling(database_url, modules, &[], keys, port, &[]).await
    }

    /// [`Host::start`], calling the modules it uses at `remote` (module, URL), with extra
    /// settings.
    pub async fn start_calling(
        database_url: &str,
        modules: &[&str],
        remote: &[(String, String)],
        keys: &Keys,
        port: u16,
        extra: &[(&str, &str)],
    ) -> Host {
        let mut settings = test_settings_with(database_url, extra);
        settings.topology.hosts = modules.iter().map(|m| m.to_string()).collect();
        settings.topology.edge = false;
        settings.topology.internal_bind = format!("127.0.0.1:{port}");
        place(&mut settings, remote);
        keys.apply(&mut settings);
        settings.check().expect("valid host settings");
        let app = Application::build(settings).await.expect("the host starts");
        let internal = format!(
            "http://127.0.0.1:{}",
            app.internal_port().expect("an internal listener")
        );
        actix_web::rt::spawn(app.run_until_stopped());
        Host {
            internal,
            modules: modules.iter().map(|m| m.to_string()).collect(),
            database_url: database_url.to_owned(),
            own: None,
        }
    }

    /// [`Host::start_calling`] on a database of its own.
    pub async fn start_alone(
        modules: &[&str],
        remote: &[(String, String)],
        keys: &Keys,
        extra: &[(&str, &str)],
    ) -> Host {
        let database = Database::fresh();
        let mut host = Self::start_calling(&database.url, modules, remote, keys, 0, extra).await;
        host.own = Some(database);
        host
    }
}

fn place(settings: &mut Settings, remote: &[(String, String)]) {
    for (module, at) in remote {
        settings.topology.remote.insert(
            module.clone(),
            brigade::platform::remote::RemoteTarget { url: at.clone() },
        );
    }
}

/// An edge hosting every module but those of `remote` (module, URL), on `database`.
pub async fn spawn_edge(
    remote: &[(String, String)],
    keys: &Keys,
    extra: &[(&str, &str)],
    database: Database,
) -> TestApp {
    let mut settings = test_settings_with(&database.url, extra);
    place(&mut settings, remote);
    keys.apply(&mut settings);
    settings.check().expect("valid edge settings");
    TestApp::start(settings, database).await
}

/// Events over NATS JetStream, in streams of this test's own (in memory, expiring).
pub fn over_jetstream() -> Vec<(&'static str, String)> {
    let prefix = format!(
        "t{}",
        brigade::platform::ids::new_id("").trim_start_matches('_')
    );
    vec![
        ("BRIGADE_EVENTS__TRANSPORT", "jetstream".to_owned()),
        (
            "BRIGADE_EVENTS__STREAM_PREFIX",
            prefix.chars().take(32).collect(),
        ),
        ("BRIGADE_EVENTS__STREAM_STORAGE", "memory".to_owned()),
        ("BRIGADE_EVENTS__STREAM_MAX_AGE_SECS", "900".to_owned()),
    ]
}

/// Every module in a process of its own, each on its own database, events over JetStream
/// (started in dependency order, each calling the modules it uses), and an edge hosting
/// none of them. The hosts live as long as the returned edge's test.
pub async fn split_everything(keys: &Keys, extra: &[(&str, &str)]) -> (TestApp, Vec<Host>) {
    let jetstream = over_jetstream();
    let mut settings: Vec<(&str, &str)> = jetstream.iter().map(|(k, v)| (*k, v.as_str())).collect();
    settings.extend_from_slice(extra);
    let mut remote: Vec<(String, String)> = Vec::new();
    let mut hosts = Vec::new();
    for module in brigade::modules::all() {
        let name = module.descriptor.name;
        let host = Host::start_alone(&[name], &remote, keys, &settings).await;
        remote.push((name.to_owned(), host.internal.clone()));
        hosts.push(host);
    }
    let edge = spawn_edge(&remote, keys, &settings, Database::fresh()).await;
    (edge, hosts)
}

/// A port nothing listens on (yet): where a module's process (or a test's browser driver)
/// will listen.
///
/// Drawn below the kernel's ephemeral range: every other listener of the suite binds port 0
/// and every outgoing connection takes its port from that range, so no test running beside
/// this one can take the port before its listener does (one did once, and the edge's
/// calls reached another test's server instead of finding nobody).
pub fn vacant_port() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    const LOWEST: u16 = 10_000;
    let ephemeral_from = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    let span = ephemeral_from.saturating_sub(LOWEST);
    assert!(
        span >= 1_000,
        "no room below the ephemeral ports ({ephemeral_from})"
    );
    loop {
        let draw = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let port = LOWEST + (draw % u64::from(span)) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
