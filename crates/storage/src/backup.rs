//! Operating a database: the schema check of commands that must not migrate, and backup and
//! restore of an embedded SQLite database (PostgreSQL has pg_dump and pg_restore; see
//! docs/OPERATIONS.md).

use crate::db::MIGRATOR;
use crate::dialect::Backend;
use crate::{Db, Result, StorageError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the migrations recorded in a database compare with the ones this build carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaVerdict {
    /// Every migration of this build is applied, and nothing else.
    Current,
    /// No migration table: an empty database, or not a pcenter database.
    NotMigrated,
    /// An older pcenter made it; these migrations are still to run.
    Behind { missing: Vec<i64> },
    /// A newer pcenter migrated it: this build does not know these versions.
    Newer { unknown: Vec<i64> },
    /// The migration of this version was changed after it was applied.
    Altered { version: i64 },
    /// The migration of this version stopped part way.
    Failed { version: i64 },
}

/// One row of the migration table: version, whether it completed, checksum.
pub type AppliedMigration = (i64, bool, Vec<u8>);

impl SchemaVerdict {
    pub fn of(applied: Option<&[AppliedMigration]>) -> SchemaVerdict {
        let Some(applied) = applied else { return SchemaVerdict::NotMigrated };
        if let Some((version, ..)) = applied.iter().find(|(_, success, _)| !success) {
            return SchemaVerdict::Failed { version: *version };
        }
        let unknown: Vec<i64> = applied.iter().map(|(v, ..)| *v).filter(|v| !MIGRATOR.version_exists(*v)).collect();
        if !unknown.is_empty() {
            return SchemaVerdict::Newer { unknown };
        }
        for known in MIGRATOR.iter() {
            if let Some((_, _, checksum)) = applied.iter().find(|(v, ..)| *v == known.version) {
                if checksum.as_slice() != known.checksum.as_ref() {
                    return SchemaVerdict::Altered { version: known.version };
                }
            }
        }
        let missing: Vec<i64> = MIGRATOR.iter().map(|m| m.version).filter(|v| !applied.iter().any(|(a, ..)| a == v)).collect();
        if missing.is_empty() {
            SchemaVerdict::Current
        } else {
            SchemaVerdict::Behind { missing }
        }
    }

    /// What the operator should do, for anything but `Current`.
    pub fn advice(&self) -> String {
        match self {
            SchemaVerdict::Current => "the database schema is current".to_owned(),
            SchemaVerdict::NotMigrated => "the database has no pcenter schema: run `pcenter migrate` first".to_owned(),
            SchemaVerdict::Behind { missing } => format!(
                "the database schema is older than this pcenter (migrations {} not applied): run `pcenter migrate` first",
                join(missing)
            ),
            SchemaVerdict::Newer { unknown } => format!(
                "the database was migrated by a newer pcenter (migrations {} are unknown to this one): use that version",
                join(unknown)
            ),
            SchemaVerdict::Altered { version } => {
                format!("migration {version} in the database differs from this pcenter's: the database comes from another build")
            }
            SchemaVerdict::Failed { version } => {
                format!("migration {version} stopped part way: restore a backup, then run `pcenter migrate`")
            }
        }
    }
}

fn join(versions: &[i64]) -> String {
    versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
}

impl Db {
    /// The recorded migrations compared with this build's, without changing anything.
    pub async fn schema_verdict(&self) -> Result<SchemaVerdict> {
        let table_sql = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()"
            }
        };
        let tables: i64 = sqlx::query_scalar(table_sql).fetch_one(&self.pool).await?;
        if tables == 0 {
            return Ok(SchemaVerdict::of(None));
        }
        let rows: Vec<(i64, i64, Vec<u8>)> =
            sqlx::query_as("SELECT version, CASE WHEN success THEN 1 ELSE 0 END, checksum FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&self.pool)
                .await?;
        let applied: Vec<AppliedMigration> = rows.into_iter().map(|(v, ok, sum)| (v, ok == 1, sum)).collect();
        Ok(SchemaVerdict::of(Some(applied.as_slice())))
    }

    /// Writes a consistent copy of a live SQLite database to `dest` (`VACUUM INTO` reads
    /// one snapshot while writers go on). Never overwrites an existing file.
    pub async fn backup_sqlite(&self, dest: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StorageError::Config(PG_DUMP_ADVICE.to_owned()));
        }
        if dest.exists() {
            return Err(StorageError::Config(format!("{} already exists; a backup never overwrites a file", dest.display())));
        }
        sqlx::query("VACUUM INTO ?").bind(dest.display().to_string()).execute(&self.pool).await?;
        Ok(())
    }
}

pub const PG_DUMP_ADVICE: &str = "on PostgreSQL, back up with pg_dump and restore with pg_restore (see docs/OPERATIONS.md), e.g. \
     `pg_dump --format=custom --file=pcenter.dump \"$PCENTER_DB\"` and \
     `pg_restore --clean --if-exists --no-owner --dbname=\"$PCENTER_DB\" pcenter.dump`";

/// The file of a `sqlite:` URL (`sqlite://pcenter.db`, `sqlite:///abs/path.db?mode=rwc`).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Opens the SQLite file without the pool (no migration, no WAL pragmas) for the checks below.
async fn open_plain(path: &Path) -> Result<SqliteConnection> {
    Ok(SqliteConnectOptions::new().filename(path).busy_timeout(Duration::from_millis(500)).connect().await?)
}

/// Held by a running server on SQLite for its whole life, so that `restore` can tell the
/// database is in use even when the pool has closed its idle connections: an open WAL
/// connection that has read once keeps a shared lock restore cannot take.
pub async fn hold_sqlite_presence(url: &str) -> Result<Option<SqliteConnection>> {
    let Some(path) = sqlite_path(url).filter(|_| Backend::from_url(url) == Some(Backend::Sqlite)) else { return Ok(None) };
    let mut conn = open_plain(&path).await?;
    conn.execute("SELECT COUNT(*) FROM sqlite_master").await?;
    Ok(Some(conn))
}

/// What `restore_sqlite` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The backup's migrations compared with this build's (`Behind`: run `pcenter migrate`).
    pub verdict: SchemaVerdict,
    /// Where the database that was replaced now is, if there was one.
    pub previous: Option<PathBuf>,
}

/// Replaces the SQLite database at `target_url` with the backup `backup`, which must be a
/// pcenter database whose migrations this build knows. Refuses while another connection
/// (a running server) has the database open. The replaced database is kept beside it.
pub async fn restore_sqlite(backup: &Path, target_url: &str) -> Result<Restored> {
    let target = match (Backend::from_url(target_url), sqlite_path(target_url)) {
        (Some(Backend::Sqlite), Some(path)) => path,
        (Some(Backend::Postgres), _) => return Err(StorageError::Config(PG_DUMP_ADVICE.to_owned())),
        _ => return Err(StorageError::Config("restore needs a sqlite://PATH database".to_owned())),
    };
    if !backup.is_file() {
        return Err(StorageError::Config(format!("no backup file {}", backup.display())));
    }
    // Checked and swapped in as a copy beside the target, so the backup itself is never changed
    // and the final step is one rename on the same file system.
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let staged = sibling(&target, &format!("restoring-{stamp}-{}", std::process::id()));
    std::fs::copy(backup, &staged).map_err(|e| StorageError::Config(format!("cannot copy {}: {e}", backup.display())))?;
    let checked = check_backup(&staged, backup).await;
    let verdict = match checked {
        Ok(v) => v,
        Err(e) => {
            remove_sqlite_files(&staged);
            return Err(e);
        }
    };
    let previous = if target.exists() {
        if let Err(e) = ensure_unused(&target).await {
            remove_sqlite_files(&staged);
            return Err(e);
        }
        let previous = sibling(&target, &format!("pre-restore-{stamp}"));
        std::fs::rename(&target, &previous).map_err(|e| StorageError::Config(format!("cannot move {} aside: {e}", target.display())))?;
        Some(previous)
    } else {
        None
    };
    std::fs::rename(&staged, &target).map_err(|e| StorageError::Config(format!("cannot move the restored database in place: {e}")))?;
    Ok(Restored { verdict, previous })
}

/// `FILE.db` → `FILE.db.<suffix>`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{suffix}"));
    PathBuf::from(name)
}

fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// The staged copy is a SQLite database, has the pcenter tables, and its migrations are
/// this build's or an earlier prefix of them.
async fn check_backup(staged: &Path, shown: &Path) -> Result<SchemaVerdict> {
    let not_pcenter = || StorageError::Config(format!("{} is not a pcenter database", shown.display()));
    let mut conn = open_plain(staged).await.map_err(|_| not_pcenter())?;
    let tables: std::result::Result<i64, _> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'accounts', 'fund_accounts')",
    )
    .fetch_one(&mut conn)
    .await;
    if tables.map_err(|_| not_pcenter())? != 3 {
        return Err(not_pcenter());
    }
    let rows: Vec<(i64, bool, Vec<u8>)> =
        sqlx::query_as("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version").fetch_all(&mut conn).await?;
    let _ = conn.close().await;
    let verdict = SchemaVerdict::of(Some(rows.as_slice()));
    match verdict {
        SchemaVerdict::Current | SchemaVerdict::Behind { .. } => Ok(verdict),
        other => Err(StorageError::Config(format!("{} cannot be restored by this pcenter: {}", shown.display(), other.advice()))),
    }
}

/// Leaving WAL mode needs the database to itself; it fails at once while a server (or any
/// other connection) has it open, which is the check restore needs.
async fn ensure_unused(target: &Path) -> Result<()> {
    let in_use =
        || StorageError::Config(format!("{} is in use (is `pcenter serve` running?): stop the server, then restore", target.display()));
    let mut conn = open_plain(target).await.map_err(|_| in_use())?;
    let switched = conn.execute("PRAGMA journal_mode = DELETE").await;
    let _ = conn.close().await;
    switched.map(|_| ()).map_err(|_| in_use())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_applied() -> Vec<AppliedMigration> {
        MIGRATOR.iter().map(|m| (m.version, true, m.checksum.to_vec())).collect()
    }

    #[test]
    fn verdicts() {
        assert_eq!(SchemaVerdict::of(None), SchemaVerdict::NotMigrated);
        let all = all_applied();
        assert_eq!(SchemaVerdict::of(Some(all.as_slice())), SchemaVerdict::Current);
        let last = all.last().map(|m| m.0).unwrap_or_default();
        assert_eq!(SchemaVerdict::of(Some(&all[..all.len() - 1])), SchemaVerdict::Behind { missing: vec![last] });
        let mut newer = all.clone();
        newer.push((last + 1_000, true, vec![]));
        assert_eq!(SchemaVerdict::of(Some(newer.as_slice())), SchemaVerdict::Newer { unknown: vec![last + 1_000] });
        let mut altered = all.clone();
        altered[0].2 = vec![0];
        assert_eq!(SchemaVerdict::of(Some(altered.as_slice())), SchemaVerdict::Altered { version: all[0].0 });
        let mut failed = all.clone();
        failed[1].1 = false;
        assert_eq!(SchemaVerdict::of(Some(failed.as_slice())), SchemaVerdict::Failed { version: all[1].0 });
        assert!(SchemaVerdict::Behind { missing: vec![7] }.advice().contains("pcenter migrate"));
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://pcenter.db"), Some(PathBuf::from("pcenter.db")));
        assert_eq!(sqlite_path("sqlite:///var/lib/pc.db?mode=rwc"), Some(PathBuf::from("/var/lib/pc.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }
}
