//! The one way a write transaction is opened (`Db::begin_write`), and what every write
//! transaction does first.
//!
//! 1. **The write lock up front.** On SQLite a transaction that reads first and writes later
//!    must upgrade its read lock; when another connection writes meanwhile, SQLite refuses at
//!    once (`SQLITE_BUSY`, or `SQLITE_BUSY_SNAPSHOT` when its snapshot is stale) without
//!    waiting on the busy timeout. `BEGIN IMMEDIATE` takes the write lock before the first
//!    read, under the busy timeout, so writers queue instead of failing, and a transaction
//!    holding the lock sees the newest snapshot, so no later statement of it can meet a busy
//!    or stale-snapshot error. If the lock is still busy when the timeout ends (or a
//!    concurrent checkpoint made the snapshot stale), opening is retried: nothing of the
//!    transaction has run yet. PostgreSQL: a plain `BEGIN`.
//! 2. **The request's signature.** A signed Open API request runs inside
//!    `with_signed_request`; every write transaction opened while it runs records its
//!    signature in `seen_signatures`, in that same transaction (docs/DOMAIN.md#R-AUTH-10). A
//!    signature already recorded by another request is a replay: `CBC.0155`, and the
//!    transaction is rolled back before it changed anything. Postings run on the group
//!    commit's writer task, so `GroupCommit::post` carries the signature with the job and the
//!    ledger records it under the job's savepoint (`record_signature`).

use crate::db::Db;
use crate::error::{Result, StorageError};
use pc_domain::query::{now_millis, EpochMillis};
use pc_domain::{DomainError, ErrorCode};
use sqlx::any::{Any, AnyQueryResult};
use sqlx::error::DatabaseError;
use sqlx::{AnyConnection, Transaction};
use std::future::Future;
use std::time::Duration;

/// How often opening a write transaction is tried when the lock stays busy.
const OPEN_ATTEMPTS: u32 = 5;

/// A signed request being served, as the write path records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The signature, as the server computed it (lower-case hex).
    pub signature: String,
    /// The request's `X-Sdk-Date`, epoch milliseconds.
    pub signed_at: EpochMillis,
    /// Random per request: the request's own later transactions find their row by it.
    pub nonce: String,
}

impl SignedRequest {
    pub fn new(signature: String, signed_at: EpochMillis) -> Self {
        SignedRequest { signature, signed_at, nonce: uuid::Uuid::new_v4().simple().to_string() }
    }
}

tokio::task_local! {
    static SIGNED_REQUEST: SignedRequest;
}

/// Runs `f` (a request handler) with `request` as the signed request whose changes the
/// write transactions opened by `f` belong to.
pub async fn with_signed_request<F: Future>(request: SignedRequest, f: F) -> F::Output {
    SIGNED_REQUEST.scope(request, f).await
}

/// The signed request served by the current task, if any.
pub fn current_signed_request() -> Option<SignedRequest> {
    SIGNED_REQUEST.try_with(Clone::clone).ok()
}

/// Records that `request` changed something, inside the caller's write transaction. Refused
/// with `CBC.0155` when another request with the same signature did.
pub(crate) async fn record_signature(conn: &mut AnyConnection, request: &SignedRequest) -> Result<()> {
    let fresh: Option<String> = sqlx::query_scalar(
        "INSERT INTO seen_signatures (signature, request_nonce, signed_at, seen_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (signature) DO NOTHING RETURNING request_nonce",
    )
    .bind(&request.signature)
    .bind(&request.nonce)
    .bind(request.signed_at)
    .bind(now_millis())
    .fetch_optional(&mut *conn)
    .await?;
    if fresh.is_some() {
        return Ok(());
    }
    let owner: Option<String> = sqlx::query_scalar("SELECT request_nonce FROM seen_signatures WHERE signature = $1")
        .bind(&request.signature)
        .fetch_optional(&mut *conn)
        .await?;
    match owner {
        // An earlier committed transaction of this same request.
        Some(nonce) if nonce == request.nonce => Ok(()),
        _ => Err(DomainError::of(ErrorCode::SignatureReplayed).into()),
    }
}

/// SQLite's "database is locked" (5) and "snapshot is stale" (517), and their other
/// extended codes: the statement can be tried again.
pub(crate) fn is_busy(err: &StorageError) -> bool {
    match err {
        StorageError::Database(sqlx::Error::Database(db)) => db
            .try_downcast_ref::<sqlx::sqlite::SqliteError>()
            .and_then(|e| e.code())
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|code| code & 0xff == 5),
        _ => false,
    }
}

impl Db {
    /// Opens a write transaction: the write lock first (SQLite `BEGIN IMMEDIATE`, retried
    /// while busy), then the signature of the signed request being served, if any. Every
    /// storage write goes through here (or through the group commit, which does the same per
    /// job).
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        let mut tx = self.begin_locked().await?;
        if let Some(request) = current_signed_request() {
            record_signature(&mut tx, &request).await?;
        }
        Ok(tx)
    }

    /// A write transaction for the group commit's writer, which records each job's
    /// signature itself.
    pub(crate) async fn begin_locked(&self) -> Result<Transaction<'static, Any>> {
        let statement = self.backend.begin_write();
        let mut attempt = 1;
        loop {
            match self.pool.begin_with(statement).await.map_err(StorageError::from) {
                Err(e) if is_busy(&e) && attempt < OPEN_ATTEMPTS => {
                    tracing::warn!(attempt, "the write lock stayed busy; trying again");
                    tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// One write statement in its own write transaction.
    pub(crate) async fn write_one<'q>(&self, query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>) -> Result<AnyQueryResult> {
        let mut tx = self.begin_write().await?;
        let done = query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Forgets the signatures of requests signed before `before`: the signature check
    /// refuses them as stale anyway. Returns how many were removed.
    pub async fn prune_seen_signatures(&self, before: EpochMillis) -> Result<u64> {
        let mut tx = self.begin_locked().await?;
        let done = sqlx::query("DELETE FROM seen_signatures WHERE signed_at < $1").bind(before).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// How many signatures are remembered (tests and operators).
    pub async fn count_seen_signatures(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM seen_signatures").fetch_one(&self.pool).await?)
    }
}
