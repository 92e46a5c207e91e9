//! How the composition root builds the modules from one list: each module's `wire` takes what
//! it needs from the wiring — the database, the dispatcher's wake, its settings section, the
//! `api`s of the modules it uses, inputs the root provides — and leaves its own `api` (served
//! to HTTP handlers and to the modules wired after it), its event handler and its background
//! work. Adding a module adds nothing here or in the root.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web;
use serde::de::DeserializeOwned;

use crate::platform::background::Background;
use crate::platform::db::Db;
use crate::platform::events::{EventHandler, Wake};
use crate::platform::retention::Sweep;

/// What a module's `wire` could not find or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WiringError {
    #[error("`{module}` needs {what}, which nothing wired before it provides")]
    Missing { module: String, what: String },
    #[error("settings section [{section}]: {why}")]
    Settings { section: String, why: String },
}

type Registration = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

pub struct Wiring {
    pub db: Db,
    wake: Wake,
    /// Every section of the configuration, as JSON, by key.
    sections: serde_json::Value,
    /// The module being wired, for error messages.
    current: &'static str,
    provided: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    handlers: HashMap<&'static str, Arc<dyn EventHandler>>,
    registrations: Vec<Registration>,
    background: Vec<Background>,
    sweeps: Vec<Sweep>,
}

impl Wiring {
    pub fn new(db: Db, wake: Wake, sections: serde_json::Value) -> Self {
        Self {
            db,
            wake,
            sections,
            current: "app",
            provided: HashMap::new(),
            handlers: HashMap::new(),
            registrations: Vec::new(),
            background: Vec::new(),
            sweeps: Vec::new(),
        }
    }

    /// Names the module whose `wire` runs next.
    pub fn wiring(&mut self, module: &'static str) {
        self.current = module;
    }

    /// The wake-up the module being wired publishes its outbox's events through.
    pub fn wake(&self) -> Wake {
        self.wake.of(self.current)
    }

    /// The section a module's descriptor declares, read into the module's own type.
    pub fn settings<T: DeserializeOwned>(
        &self,
        module: &crate::platform::descriptor::ModuleDescriptor,
    ) -> Result<T, WiringError> {
        let key = module.settings.map(|s| s.key).unwrap_or(module.name);
        self.section(key)
    }

    /// The settings section `key`, read into the module's own type.
    pub fn section<T: DeserializeOwned>(&self, key: &str) -> Result<T, WiringError> {
        serde_json::from_value(self.sections[key].clone()).map_err(|e| WiringError::Settings {
            section: key.to_owned(),
            why: e.to_string(),
        })
    }

    /// Makes `value` available to the modules wired after this point (and to the root).
    pub fn provide<T: ?Sized + Send + Sync + 'static>(&mut self, value: Arc<T>) {
        self.provided
            .insert(TypeId::of::<Arc<T>>(), Box::new(value));
    }

    /// Provides a module's `api` and hands it to the HTTP handlers (`web::Data<T>`).
    pub fn serve<T: ?Sized + Send + Sync + 'static>(&mut self, api: Arc<T>) {
        let data = web::Data::from(api.clone());
        self.registrations.push(Arc::new(move |cfg| {
            cfg.app_data(data.clone());
        }));
        self.provide(api);
    }

    /// Drops what was provided as `T`: an input only start-up needs (the whole contract, say)
    /// need not stay in memory once every module has read it.
    pub fn forget<T: ?Sized + Send + Sync + 'static>(&mut self) {
        self.provided.remove(&TypeId::of::<Arc<T>>());
    }

    /// What an earlier module (or the root) provided as `T`.
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Arc<T>, WiringError> {
        self.provided
            .get(&TypeId::of::<Arc<T>>())
            .and_then(|v| v.downcast_ref::<Arc<T>>())
            .cloned()
            .ok_or_else(|| WiringError::Missing {
                module: self.current.to_owned(),
                what: std::any::type_name::<T>().to_owned(),
            })
    }

    /// The handler the module's subscriptions deliver to.
    pub fn handle(&mut self, handler: Arc<dyn EventHandler>) {
        self.handlers.insert(self.current, handler);
    }

    /// Work the module runs beside the server (until it stops).
    pub fn run_beside(&mut self, work: Background) {
        self.background.push(work);
    }

    /// A retention sweep over one of the module's tables, run with every other sweep.
    pub fn sweep(&mut self, sweep: Sweep) {
        self.sweeps.push(sweep);
    }

    pub fn take_sweeps(&mut self) -> Vec<Sweep> {
        std::mem::take(&mut self.sweeps)
    }

    pub fn handler(&self, module: &str) -> Option<Arc<dyn EventHandler>> {
        self.handlers.get(module).cloned()
    }

    pub fn take_background(&mut self) -> Vec<Background> {
        std::mem::take(&mut self.background)
    }

    /// The registrations, for the HTTP server's per-worker app factory.
    pub fn registrations(&self) -> Vec<Registration> {
        self.registrations.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn hello(&self) -> &'static str;
    }

    struct English;

    impl Greeter for English {
        fn hello(&self) -> &'static str {
            "hello"
        }
    }

    #[test]
    fn what_one_module_provides_the_next_gets_and_a_gap_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::platform::config::DatabaseSettings::sqlite_for_tests(
            &dir.path().join("w.db"),
            1,
        );
        let db = Db::connect(&settings).unwrap();
        let sections = serde_json::json!({"greeter": {"volume": 3}});
        let mut w = Wiring::new(db, Wake::default(), sections);
        w.wiring("greeter");
        #[derive(serde::Deserialize)]
        struct Volume {
            volume: u8,
        }
        assert_eq!(w.section::<Volume>("greeter").unwrap().volume, 3);
        assert!(matches!(
            w.section::<Volume>("nothing"),
            Err(WiringError::Settings { .. })
        ));
        w.serve::<dyn Greeter>(Arc::new(English));
        w.wiring("listener");
        assert_eq!(w.get::<dyn Greeter>().unwrap().hello(), "hello");
        let missing = w.get::<dyn EventHandler>().err().unwrap();
        assert!(
            missing.to_string().starts_with("`listener` needs"),
            "{missing}"
        );
        assert_eq!(w.registrations().len(), 1);
    }
}
