//! The connection pool and migrations.

use crate::dialect::Backend;
use crate::error::StorageError;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::time::Duration;

use crate::catalog::PriceBookCache;
use pc_domain::funds::TransferKind;

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// Parsed price-book versions by id (versions never change once in effect).
    pub(crate) price_books: PriceBookCache,
}

impl Db {
    /// Connects to `sqlite://path` or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            StorageError::Config(format!("unsupported database URL (use sqlite://PATH or postgres://...): {}", redact(url)))
        })?;
        let pool = AnyPoolOptions::new()
            .max_connections(backend.max_connections())
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| Box::pin(async move { backend.prepare_connection(conn).await }))
            .connect(&backend.connect_url(url))
            .await?;
        Ok(Db { pool, backend, price_books: PriceBookCache::default() })
    }

    /// Applies pending migrations. Safe to run from several nodes at once on PostgreSQL
    /// (the migrator takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), StorageError> {
        MIGRATOR.run(&self.pool).await.map_err(|e| StorageError::Migration(e.to_string()))?;
        self.sync_transfer_kinds().await
    }

    /// Every transfer kind the domain knows has its `transfer_kinds` row (the journal's
    /// foreign key): adding a kind to `TransferKind` is all a new kind takes.
    async fn sync_transfer_kinds(&self) -> Result<(), StorageError> {
        for kind in TransferKind::ALL {
            self.write_one(sqlx::query("INSERT INTO transfer_kinds (kind) VALUES ($1) ON CONFLICT (kind) DO NOTHING").bind(kind.as_db()))
                .await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await
    }
}

/// A URL fit for logs: any password is replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
