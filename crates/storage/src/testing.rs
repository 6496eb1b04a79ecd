//! Fresh, migrated databases for tests: a temporary SQLite file, or a new PostgreSQL
//! database per test on the server named by `PCENTER_TEST_PG`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`).

use crate::{Db, Result};
use sqlx::Executor;
use std::path::PathBuf;

pub const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test. Dropping it removes the SQLite file; PostgreSQL
/// databases are dropped by `cleanup` (async) and otherwise left for inspection.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    sqlite_dir: Option<PathBuf>,
    pg_name: Option<String>,
}

fn pg_server_url() -> String {
    std::env::var("PCENTER_TEST_PG").unwrap_or_else(|_| DEFAULT_TEST_PG.to_owned())
}

impl TestDb {
    pub async fn new(backend: TestBackend) -> Result<Self> {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (url, sqlite_dir, pg_name) = match backend {
            TestBackend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("pcenter-test-{unique}"));
                std::fs::create_dir_all(&dir).map_err(|e| crate::StorageError::Config(e.to_string()))?;
                (format!("sqlite://{}", dir.join("test.db").display()), Some(dir), None)
            }
            TestBackend::Postgres => {
                let server = pg_server_url();
                let name = format!("pcenter_test_{unique}");
                sqlx::any::install_default_drivers();
                let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&server).await?;
                admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
                let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(server);
                (format!("{base}/{name}"), None, Some(name))
            }
        };
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(TestDb { db, url, sqlite_dir, pg_name })
    }

    /// Runs a statement directly, bypassing the repositories: for tests that prove the
    /// database itself refuses bad rows.
    pub async fn execute_raw(&self, sql: &str) -> std::result::Result<u64, sqlx::Error> {
        Ok(sqlx::query(sql).execute(&self.db.pool).await?.rows_affected())
    }

    pub async fn cleanup(mut self) {
        self.db.close().await;
        if let Some(name) = self.pg_name.take() {
            if let Ok(mut admin) = <sqlx::AnyConnection as sqlx::Connection>::connect(&pg_server_url()).await {
                let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name}").as_str()).await;
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Runs a storage test against a fresh, migrated database of `backend` and drops it after.
pub async fn run_with_db<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let t = TestDb::new(backend).await.expect("test database");
    test(t.db.clone()).await;
    t.cleanup().await;
}

/// Like [`run_with_db`], for tests that need the `TestDb` itself (raw statements, a second
/// pool); the test hands it back to be dropped.
pub async fn run_with_test_db<F, Fut>(backend: TestBackend, test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: std::future::Future<Output = TestDb>,
{
    let t = TestDb::new(backend).await.expect("test database");
    test(t).await.cleanup().await;
}

/// Declares each named test function twice, once per backend (`sqlite::name`,
/// `postgres::name`), each calling the suite's `run(backend, test)`. An optional leading
/// attribute replaces `#[tokio::test]` (e.g. a multi-threaded runtime for race tests).
#[macro_export]
macro_rules! on_both_backends {
    (#[$attr:meta] $($name:ident),* $(,)?) => {
        mod sqlite { $( #[$attr] async fn $name() { super::run($crate::testing::TestBackend::Sqlite, super::$name).await } )* }
        mod postgres { $( #[$attr] async fn $name() { super::run($crate::testing::TestBackend::Postgres, super::$name).await } )* }
    };
    ($($name:ident),* $(,)?) => { $crate::on_both_backends!(#[tokio::test] $($name),*); };
}
