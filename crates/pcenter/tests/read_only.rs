//! Read-only commands never migrate: on a database whose schema is older than the binary
//! they stop and ask for `pcenter migrate`, leaving the schema as it was; on a missing SQLite
//! file they create nothing.

mod common;

use common::{pcenter, pcenter_ok, scratch_dir};
use sqlx::Executor;
use std::path::Path;

const READ_ONLY: &[&[&str]] = &[&["admin", "audit"], &["admin", "price-book", "list"], &["admin", "clock"]];

async fn pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.expect("pool")
}

async fn applied(url: &str) -> i64 {
    let p = pool(url).await;
    let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&p).await.expect("count");
    p.close().await;
    n
}

/// Brings an empty database to the schema of the release before the newest migration.
async fn migrate_all_but_newest(url: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../storage/migrations");
    let mut older = sqlx::migrate::Migrator::new(dir).await.expect("migrations");
    let mut migrations = older.migrations.to_vec();
    migrations.pop();
    let kept = migrations.len();
    older.migrations = migrations.into();
    let p = pool(url).await;
    older.run(&p).await.expect("older schema");
    p.close().await;
    kept
}

async fn older_schema_is_refused_until_migrated(url: &str) {
    let kept = migrate_all_but_newest(url).await;
    for args in READ_ONLY {
        let out = pcenter(url, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} ran on an older schema");
        assert!(stderr.contains("run `pcenter migrate` first"), "{args:?}: {stderr}");
    }
    assert_eq!(applied(url).await, kept as i64, "a read-only command migrated");
    pcenter_ok(url, &["migrate"]);
    assert_eq!(applied(url).await, kept as i64 + 1);
    for args in READ_ONLY {
        pcenter_ok(url, args);
    }
}

#[tokio::test]
async fn sqlite_older_schema_is_refused_until_migrated() {
    let dir = scratch_dir("read-only");
    older_schema_is_refused_until_migrated(&format!("sqlite://{}?mode=rwc", dir.join("pc.db").display())).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn postgres_older_schema_is_refused_until_migrated() {
    let server = std::env::var("PCENTER_TEST_PG").unwrap_or_else(|_| pc_storage::testing::DEFAULT_TEST_PG.to_owned());
    // Named like the harness's databases, so a leak is swept by the next run.
    let name = format!("pcenter_test_ro_{}", std::process::id());
    let admin = pool(&server).await;
    admin.execute(format!("DROP DATABASE IF EXISTS {name}").as_str()).await.expect("drop");
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create");
    let base = server.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(server);
    older_schema_is_refused_until_migrated(&format!("{base}/{name}")).await;
    admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.expect("drop");
    admin.close().await;
}

#[test]
fn missing_sqlite_file_is_not_created() {
    let dir = scratch_dir("read-only");
    let path = dir.join("absent.db");
    let url = format!("sqlite://{}", path.display());
    for args in READ_ONLY {
        let out = pcenter(&url, args);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"), "{args:?}");
    }
    assert!(!path.exists(), "a read-only command created the database");
    pcenter_ok(&url, &["migrate"]);
    pcenter_ok(&url, &["admin", "audit"]);
    let _ = std::fs::remove_dir_all(&dir);
}
