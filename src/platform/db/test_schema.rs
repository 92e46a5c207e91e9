//! A PostgreSQL schema of its own for a unit test, when `TEST_DATABASE_URL` names a server:
//! created on the way in, dropped with everything in it on the way out, pass or fail.

use diesel::connection::SimpleConnection;

use super::establish_postgres;

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
