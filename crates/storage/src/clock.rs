//! The database's clock and the scheduler's job leases. Time-driven rules (payment windows,
//! expiry, auto-renewal) read `Db::now()`: the wall clock plus an offset that an operator can
//! advance only in a sandbox database, so tests and sandboxes can move through months at
//! once while production time stays real. Whether a database is a sandbox is fixed when it is
//! created (`migrate_creating`).

use crate::db::Db;
use crate::error::Result;
use pc_domain::query::{now_millis, EpochMillis};
use pc_domain::{DomainError, ErrorCode};
use sqlx::{AnyConnection, Row};

/// The furthest a sandbox clock may run ahead of the wall clock, in all: 100 years.
const MAX_OFFSET_MS: i64 = 100 * 366 * 24 * 3600 * 1000;
const MAX_ADVANCE_MS: i64 = MAX_OFFSET_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSettings {
    pub sandbox: bool,
    pub offset_ms: i64,
}

/// The business clock read inside the caller's transaction: the wall clock plus the sandbox
/// offset (as `Db::now`).
pub(crate) async fn business_now(conn: &mut AnyConnection) -> Result<EpochMillis> {
    let offset: i64 = sqlx::query_scalar("SELECT offset_ms FROM clock_settings WHERE id = 1").fetch_one(conn).await?;
    Ok(now_millis() + offset)
}

impl Db {
    pub async fn clock_settings(&self) -> Result<ClockSettings> {
        let row = sqlx::query("SELECT sandbox, offset_ms FROM clock_settings WHERE id = 1").fetch_one(&self.pool).await?;
        Ok(ClockSettings { sandbox: row.try_get::<i64, _>("sandbox")? == 1, offset_ms: row.try_get("offset_ms")? })
    }

    /// The current instant for business rules: wall clock plus the sandbox offset.
    pub async fn now(&self) -> Result<EpochMillis> {
        Ok(now_millis() + self.clock_settings().await?.offset_ms)
    }

    /// Applies pending migrations. A database becomes a sandbox only when it is created as
    /// one: `sandbox` marks it so when this very call creates its schema. A database created
    /// without it never becomes one, by any command or API call; asking for a sandbox on it is
    /// refused. A sandbox stays one (the flag is not needed on later starts).
    pub async fn migrate_creating(&self, sandbox: bool) -> Result<()> {
        let fresh = matches!(self.schema_verdict().await?, crate::backup::SchemaVerdict::NotMigrated);
        self.migrate().await?;
        if !sandbox {
            return Ok(());
        }
        if fresh {
            return self.mark_sandbox().await;
        }
        if self.clock_settings().await?.sandbox {
            return Ok(());
        }
        Err(crate::StorageError::Config(
            "this database was created without --sandbox and can never become a sandbox; create a new database with --sandbox".to_owned(),
        ))
    }

    /// Marks a newly created database a sandbox (see `migrate_creating`; tests build sandboxes
    /// through `testing::TestDb::new_sandbox`).
    pub(crate) async fn mark_sandbox(&self) -> Result<()> {
        self.write_one(sqlx::query("UPDATE clock_settings SET sandbox = 1 WHERE id = 1")).await?;
        Ok(())
    }

    /// Moves the clock forward by `ms`; refused outside a sandbox database.
    pub async fn advance_clock(&self, ms: i64) -> Result<EpochMillis> {
        if ms <= 0 {
            return Err(DomainError::invalid("The clock only moves forward: give a positive duration.").into());
        }
        // Keeps every instant far inside the 64-bit range whatever is added to it later.
        if ms > MAX_ADVANCE_MS || self.clock_settings().await?.offset_ms > MAX_OFFSET_MS - ms {
            return Err(DomainError::invalid("The sandbox clock moves at most 100 years ahead in all.").into());
        }
        let done = self
            .write_one(sqlx::query("UPDATE clock_settings SET offset_ms = offset_ms + $1 WHERE id = 1 AND sandbox = 1").bind(ms))
            .await?
            .rows_affected();
        if done == 0 {
            return Err(DomainError::new(ErrorCode::BusinessCheckFailed, "The clock can be advanced only in a sandbox database.").into());
        }
        self.now().await
    }

    /// Takes (or renews) the lease on `job` for `holder` until `now + ttl_ms`, if no other
    /// holder has an unexpired lease. One statement, so two nodes can never both win.
    pub async fn try_lease(&self, job: &str, holder: &str, now: EpochMillis, ttl_ms: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_leases.expires_at <= $4 OR job_leases.holder = excluded.holder RETURNING holder",
        )
        .bind(job)
        .bind(holder)
        .bind(now + ttl_ms)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.is_some())
    }

    /// Gives a lease up early (the job finished).
    pub async fn release_lease(&self, job: &str, holder: &str) -> Result<()> {
        self.write_one(sqlx::query("DELETE FROM job_leases WHERE job = $1 AND holder = $2").bind(job).bind(holder)).await?;
        Ok(())
    }
}
