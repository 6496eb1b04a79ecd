//! Fresh, migrated databases for tests: a temporary SQLite file, or a new PostgreSQL
//! database per test on the server named by `PCENTER_TEST_PG`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Migrations run once per migration set, not once per test: each backend keeps a migrated
//! template named after a hash of the migration files (a SQLite file in the temp folder, a
//! PostgreSQL template database), and every test database is a copy of it. A changed
//! migration gets a new hash, hence a new template.

use crate::db::MIGRATOR;
use crate::{Db, Result, StorageError};
use sqlx::{Connection, Executor};
use std::path::{Path, PathBuf};

pub const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// PostgreSQL test databases created longer ago than this are leftovers of runs that
/// failed or were killed, and are dropped when a test process starts. Long enough that
/// a run still in progress on the same server (another checkout, another engineer) keeps
/// its databases.
const STALE_TEST_DB_AGE: &str = "1 hour";

/// Whether this process has swept stale test databases yet (once, at its first PostgreSQL test).
static STALE_SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test. Dropping it removes the SQLite file or the
/// PostgreSQL database, including when the test panics.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    sqlite_dir: Option<PathBuf>,
    pg_name: Option<String>,
}

fn pg_server_url() -> String {
    std::env::var("PCENTER_TEST_PG").unwrap_or_else(|_| DEFAULT_TEST_PG.to_owned())
}

fn config_error(e: impl std::fmt::Display) -> StorageError {
    StorageError::Config(e.to_string())
}

/// FNV-1a over every migration's version and checksum: stable across builds and
/// processes (unlike `std`'s hasher), which is all a template name needs.
/// `PRAGMA busy_timeout` of every connection of the pool, all held at once (so each is a
/// different connection); empty on PostgreSQL.
pub async fn busy_timeouts(db: &Db) -> Result<Vec<i64>> {
    if db.backend() != crate::dialect::Backend::Sqlite {
        return Ok(Vec::new());
    }
    let mut held = Vec::new();
    let mut timeouts = Vec::new();
    for _ in 0..db.backend().max_connections() {
        let mut conn = db.pool.acquire().await?;
        let ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout").fetch_one(&mut *conn).await?;
        timeouts.push(ms);
        held.push(conn);
    }
    Ok(timeouts)
}

pub fn migration_set_hash() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for m in MIGRATOR.iter() {
        for byte in m.version.to_le_bytes().iter().chain(m.checksum.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

impl TestDb {
    pub async fn new(backend: TestBackend) -> Result<Self> {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (url, sqlite_dir, pg_name) = match backend {
            TestBackend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("pcenter-test-{unique}"));
                std::fs::create_dir_all(&dir).map_err(config_error)?;
                let file = dir.join("test.db");
                std::fs::copy(sqlite_template().await?, &file).map_err(config_error)?;
                (format!("sqlite://{}", file.display()), Some(dir), None)
            }
            TestBackend::Postgres => {
                let server = pg_server_url();
                let template = pg_template(&server).await?;
                let name = format!("pcenter_test_{unique}");
                let mut admin = pg_admin(&server).await?;
                if !STALE_SWEPT.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    drop_stale_test_databases(&mut admin).await;
                }
                admin.execute(format!("CREATE DATABASE {name} TEMPLATE {template}").as_str()).await?;
                let _ = admin.close().await;
                let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(server);
                (format!("{base}/{name}"), None, Some(name))
            }
        };
        let t = TestDb { db: Db::connect(&url).await?, url, sqlite_dir, pg_name };
        // A no-op on a copy of the template; it proves the copy is what this build expects.
        t.db.migrate().await?;
        Ok(t)
    }

    /// A fresh database created as a sandbox, as `pcenter --sandbox` creates one: its
    /// business clock can be advanced.
    pub async fn new_sandbox(backend: TestBackend) -> Result<Self> {
        let t = TestDb::new(backend).await?;
        t.db.mark_sandbox().await?;
        Ok(t)
    }

    /// Runs a statement directly, bypassing the repositories: for tests that prove the
    /// database itself refuses bad rows.
    pub async fn execute_raw(&self, sql: &str) -> std::result::Result<u64, sqlx::Error> {
        Ok(sqlx::query(sql).execute(&self.db.pool).await?.rows_affected())
    }

    pub async fn cleanup(mut self) {
        self.db.close().await;
        if let Some(name) = self.pg_name.take() {
            drop_pg_database(&name).await;
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        // Reached without `cleanup` (a failed assertion unwinding, or a test that just lets
        // its TestDb go): drop the database from a thread of its own, as `drop` cannot await.
        if let Some(name) = self.pg_name.take() {
            let dropper = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(drop_pg_database(&name));
                }
            });
            let _ = dropper.join();
        }
    }
}

async fn pg_admin(server: &str) -> Result<sqlx::PgConnection> {
    Ok(sqlx::PgConnection::connect(server).await?)
}

/// FORCE ends the connections the test's pools may still hold.
async fn drop_pg_database(name: &str) {
    if let Ok(mut admin) = pg_admin(&pg_server_url()).await {
        let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        let _ = admin.close().await;
    }
}

/// The migrated SQLite template of this migration set, made once per machine: written under
/// a unique name, then renamed into place, so processes starting together never see half
/// a file (the last rename wins, and every candidate is identical).
async fn sqlite_template() -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("pcenter-template-{}.db", migration_set_hash()));
    if path.exists() {
        return Ok(path);
    }
    let scratch_dir = std::env::temp_dir().join(format!("pcenter-template-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&scratch_dir).map_err(config_error)?;
    let made = make_sqlite_template(&scratch_dir, &path).await;
    let _ = std::fs::remove_dir_all(&scratch_dir);
    made.map(|()| path)
}

async fn make_sqlite_template(scratch_dir: &Path, path: &Path) -> Result<()> {
    let db = Db::connect(&format!("sqlite://{}", scratch_dir.join("migrated.db").display())).await?;
    db.migrate().await?;
    // VACUUM INTO writes one self-contained file (no -wal beside it).
    let candidate = scratch_dir.join("template.db");
    sqlx::query("VACUUM INTO ?").bind(candidate.display().to_string()).execute(&db.pool).await?;
    db.close().await;
    std::fs::rename(&candidate, path).map_err(config_error)
}

/// The PostgreSQL template database of this migration set, created once per server. An
/// advisory lock makes concurrent test processes wait for the first one to build it; the
/// template is marked `IS_TEMPLATE` only once fully migrated, so a build interrupted half
/// way is found unmarked and rebuilt.
async fn pg_template(server: &str) -> Result<String> {
    let hash = migration_set_hash();
    let name = format!("pcenter_tpl_{hash}");
    let mut admin = pg_admin(server).await?;
    if template_ready(&mut admin, &name).await? {
        let _ = admin.close().await;
        return Ok(name);
    }
    // The lock key: the hash's first 60 bits, so other migration sets build in parallel.
    let key = i64::from_str_radix(&hash[..15], 16).map_err(config_error)?;
    sqlx::query("SELECT pg_advisory_lock($1)").bind(key).execute(&mut admin).await?;
    let built = build_pg_template(&mut admin, server, &name).await;
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(&mut admin).await;
    let _ = admin.close().await;
    built.map(|()| name)
}

async fn template_ready(admin: &mut sqlx::PgConnection, name: &str) -> Result<bool> {
    let ready: Option<bool> =
        sqlx::query_scalar("SELECT datistemplate FROM pg_database WHERE datname = $1").bind(name).fetch_optional(&mut *admin).await?;
    Ok(ready == Some(true))
}

async fn build_pg_template(admin: &mut sqlx::PgConnection, server: &str, name: &str) -> Result<()> {
    if template_ready(admin, name).await? {
        return Ok(());
    }
    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await?;
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(server);
    let db = Db::connect(&format!("{base}/{name}")).await?;
    let migrated = db.migrate().await;
    db.close().await;
    migrated?;
    admin.execute(format!("ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false").as_str()).await?;
    Ok(())
}

/// Drops `pcenter_test_*` databases created more than [`STALE_TEST_DB_AGE`] ago. Creation
/// time is that of the database's PG_VERSION file (written once, at CREATE DATABASE), which
/// needs a superuser; elsewhere the sweep quietly does nothing.
async fn drop_stale_test_databases(admin: &mut sqlx::PgConnection) {
    let stale: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'pcenter\\_test\\_%' \
         AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '{STALE_TEST_DB_AGE}'"
    ))
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    for name in stale {
        let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
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
