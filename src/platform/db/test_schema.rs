//! A PostgreSQL schema of its own for a unit test, when `TEST_DATABASE_URL` names a server:
//! created on the way in, dropped with everything in it on the way out, pass or fail.

use diesel::connection::SimpleConnection;

use super::{Db, DbError, MigrationScope, establish_postgres};
use crate::platform::config::DatabaseSettings;

pub struct TestSchema {
    server: String,
    name: String,
    /// The server's URL with this schema first on the search path.
    pub url: String,
}

impl TestSchema {
    /// A new schema on `TEST_DATABASE_URL`'s server; `None` when it names none.
    pub fn create() -> Option<Self> {
        let server = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!(
            "t_{}",
            crate::platform::ids::new_id("").trim_start_matches('_')
        );
        establish_postgres(&server)
            .unwrap()
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        let sep = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{sep}options=-csearch_path%3D{name}");
        Some(Self { server, name, url })
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        if let Ok(mut admin) = establish_postgres(&self.server) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

/// A [`Db`] of `pool_size` connections on a schema of its own on `TEST_DATABASE_URL`'s
/// server, with no module's tables; `None` when it names none. Keep the schema as long as
/// the `Db`.
pub fn postgres_db(pool_size: u32) -> Option<(TestSchema, Db)> {
    let schema = TestSchema::create()?;
    let settings = DatabaseSettings {
        url: schema.url.clone(),
        ..DatabaseSettings::sqlite_for_tests(std::path::Path::new("unused"), pool_size)
    };
    let db = Db::connect_for(&settings, &MigrationScope::Owners(vec![])).unwrap();
    Some((schema, db))
}

/// Requests each holding one of a [`Db`]'s connections, and their admission, until released.
pub struct Holders {
    releases: Vec<std::sync::mpsc::Sender<()>>,
    holding: Vec<actix_web::rt::task::JoinHandle<Result<(), DbError>>>,
}

impl Holders {
    /// `n` writes that each hold a connection once this returns.
    pub async fn hold(db: &Db, n: usize) -> Self {
        let (entered, mut wait_entered) = tokio::sync::mpsc::unbounded_channel();
        let mut releases = Vec::new();
        let mut holding = Vec::new();
        for _ in 0..n {
            let (release, wait_release) = std::sync::mpsc::channel::<()>();
            releases.push(release);
            let (entered, db) = (entered.clone(), db.clone());
            holding.push(actix_web::rt::spawn(async move {
                db.write(move |c| {
                    c.batch_execute("SELECT 1")?;
                    entered.send(()).unwrap();
                    // Until its sender is dropped.
                    let _ = wait_release.recv();
                    Ok::<_, DbError>(())
                })
                .await
            }));
        }
        for _ in 0..n {
            tokio::time::timeout(std::time::Duration::from_secs(10), wait_entered.recv())
                .await
                .expect("each holder holds a connection");
        }
        Self { releases, holding }
    }

    /// Lets them end, and waits until they have.
    pub async fn release(self) {
        drop(self.releases);
        for holder in self.holding {
            holder.await.unwrap().unwrap();
        }
    }
}
