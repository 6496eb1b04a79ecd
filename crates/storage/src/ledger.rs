//! The one way money moves. `post` is the posting function every movement goes through
//! (transfers, top-ups, order payments, refunds): a conditional debit (never below zero), a
//! credit, one transfer row carrying its idempotency key and order, and one journal entry per
//! touched account with the balance after it and the account's version. Accounts are updated
//! in id order so opposite movements cannot deadlock. The instant is given by the caller (the
//! business clock, `Db::now`), never read here.
//!
//! A `PostingJob` is what the group commit executes: a plain transfer, or an order payment or
//! refund plan (which posts its cash part through `post` as well). Each job of a batch runs
//! under its own savepoint.

use crate::accounts::unique_violation_as;
use crate::clock::business_now;
use crate::db::Db;
use crate::dialect::Backend;
use crate::error::{Result, StorageError};
use crate::funds::{cash_account_id, BindActor, ClaimedIn, IdempotencyClaim, TransferCommand, TransferOutcome};
use crate::orders::{apply_payment, apply_refund, Payment, RefundJob, Unsubscribed};
use crate::sql::Sql;
use crate::write::{current_signed_request, record_signature, SignedRequest};
use pc_domain::funds::TransferKind;
use pc_domain::money::{Money, CURRENCY};
use pc_domain::orders::plan::OrderPaymentPlan;
use pc_domain::orders::PLATFORM_REVENUE_ID;
use pc_domain::query::EpochMillis;
use pc_domain::tenancy::Actor;
use pc_domain::{DomainError, DomainId, ErrorCode};
use sqlx::{AnyConnection, Row};

/// One movement of money, as the ledger posts it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting<'a> {
    pub kind: TransferKind,
    /// Whose records show the movement.
    pub actor: &'a DomainId,
    /// The other party shown with it.
    pub counterparty: &'a DomainId,
    /// `None` only for money entering from outside (a top-up).
    pub from_owner: Option<&'a DomainId>,
    pub to_owner: &'a DomainId,
    pub amount: Money,
    /// The order a payment or refund settles.
    pub order_id: Option<&'a str>,
    pub idempotency: Option<&'a IdempotencyClaim>,
    /// Who really moved the money (`None`: the product itself).
    pub by: Option<&'a Actor>,
}

impl TransferCommand {
    pub(crate) fn posting(&self) -> Posting<'_> {
        Posting {
            kind: self.kind,
            actor: &self.actor,
            counterparty: &self.counterparty,
            from_owner: self.from_owner.as_ref(),
            to_owner: &self.to_owner,
            amount: self.amount,
            order_id: None,
            idempotency: self.idempotency.as_ref(),
            by: self.by.as_ref(),
        }
    }
}

/// The platform's revenue account owner: order payments go to it, refunds come from it.
pub(crate) fn platform() -> DomainId {
    DomainId::from_trusted(PLATFORM_REVENUE_ID.to_owned())
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Applies `delta` to an account; a debit only if the balance covers it. Returns the
/// balance and version after, or `None` when the balance is short.
async fn apply_delta(conn: &mut AnyConnection, account: &str, delta: i64) -> Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "UPDATE fund_accounts SET balance_fen = balance_fen + $1, version = version + 1 \
         WHERE account_id = $2 AND balance_fen + $1 >= 0 RETURNING balance_fen, version",
    )
    .bind(delta)
    .bind(account)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("balance_fen")?, r.try_get("version")?)),
        None => None,
    })
}

async fn find_by_key(conn: &mut AnyConnection, claim: &IdempotencyClaim) -> Result<Option<TransferOutcome>> {
    Ok(claim.earlier_row(conn, ClaimedIn::Transfers).await?.map(TransferOutcome::Replayed))
}

/// Posts one movement inside the caller's write transaction: the idempotency lookup, the
/// account rows updated in account-id order with a guarded debit (short → CBC.99005003), the
/// transfer row with its key and both journal entries, all dated `at`. On error the caller
/// rolls back (the transaction, or the job's savepoint).
pub(crate) async fn post(conn: &mut AnyConnection, p: &Posting<'_>, at: EpochMillis) -> Result<TransferOutcome> {
    if p.kind.from_outside() != p.from_owner.is_none() || p.kind.settles_order() != p.order_id.is_some() {
        return Err(StorageError::Corrupt(format!("a {} transfer with the wrong accounts or order", p.kind.as_db())));
    }
    if let Some(claim) = p.idempotency {
        if let Some(done) = find_by_key(conn, claim).await? {
            return Ok(done);
        }
    }
    let amount = p.amount.fen();
    // Cash accounts exist from their owner's creation on (see `create_account`).
    let to = cash_account_id(p.to_owner);
    let from = p.from_owner.map(cash_account_id);
    let mut moves: Vec<(&str, i64)> = vec![(to.as_str(), amount)];
    if let Some(f) = &from {
        moves.push((f.as_str(), -amount));
    }
    moves.sort_by(|a, b| a.0.cmp(b.0));

    let transfer_id = new_id();
    let mut entries = Vec::with_capacity(2);
    for (account, delta) in &moves {
        match apply_delta(conn, account, *delta).await? {
            Some((balance, version)) => entries.push((*account, *delta, balance, version)),
            // A debit the balance does not cover; or an owner without a cash account
            // (an operator), which holds nothing either.
            None if *delta < 0 => return Err(DomainError::of(ErrorCode::InsufficientBalance).into()),
            None => return Err(DomainError::invalid("The receiving account has no cash account.").into()),
        }
    }
    let claim = p.idempotency;
    sqlx::query(
        "INSERT INTO fund_transfers (transfer_id, kind, actor_id, counterparty_id, from_account, to_account, amount_fen, \
         currency, created_at, idem_scope, idem_key, request_hash, order_id, by_account_id, by_member_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&transfer_id)
    .bind(p.kind.as_db())
    .bind(p.actor.as_str())
    .bind(p.counterparty.as_str())
    .bind(from.as_deref())
    .bind(to.as_str())
    .bind(amount)
    .bind(CURRENCY)
    .bind(at)
    .bind(claim.map(|c| c.scope.as_str()))
    .bind(claim.map(|c| c.key.as_str()))
    .bind(claim.map(|c| c.request_hash.as_str()))
    .bind(p.order_id)
    .bind_actor(p.by)
    .execute(&mut *conn)
    .await
    .map_err(unique_violation_as(ErrorCode::IdempotencyKeyReused))?;
    // Both entries in one statement: one round trip fewer per transfer.
    let mut sql = Sql::new("");
    let rows: Vec<String> = entries
        .iter()
        .map(|(account, delta, balance, version)| {
            let values = [
                sql.text_param(&new_id()),
                sql.text_param(&transfer_id),
                sql.text_param(account),
                sql.int_param(*delta),
                sql.int_param(*balance),
                sql.int_param(*version),
                sql.int_param(at),
            ];
            format!("({})", values.join(", "))
        })
        .collect();
    sql.replace_text(format!(
        "INSERT INTO journal_entries (entry_id, transfer_id, account_id, delta_fen, balance_after_fen, account_version, created_at) VALUES {}",
        rows.join(", ")
    ));
    sql.query().execute(&mut *conn).await?;
    Ok(TransferOutcome::Applied(transfer_id))
}

/// What the group commit executes.
#[derive(Debug, Clone)]
pub enum PostingJob {
    /// A transfer between partners and customers, or a top-up; dated by the batch's clock.
    Transfer(TransferCommand),
    /// Paying an order by its plan, at the instant the plan was made for.
    Payment { plan: OrderPaymentPlan, pay_key: Option<String>, at: EpochMillis, by: Option<Actor> },
    /// Unsubscribing a resource by its refund plan.
    Refund(Box<RefundJob>),
}

/// What a job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Transfer(TransferOutcome),
    Payment(Payment),
    Refund(Unsubscribed),
}

impl PostingJob {
    /// The cash accounts the job may touch, for locking a batch up front.
    fn accounts(&self) -> Vec<String> {
        match self {
            PostingJob::Transfer(cmd) => {
                let mut accounts = vec![cash_account_id(&cmd.to_owner)];
                accounts.extend(cmd.from_owner.as_ref().map(cash_account_id));
                accounts
            }
            PostingJob::Payment { plan, .. } => vec![cash_account_id(&plan.customer), cash_account_id(&platform())],
            PostingJob::Refund(job) => vec![cash_account_id(&job.customer), cash_account_id(&platform())],
        }
    }

    /// Applies the job inside the caller's transaction.
    async fn apply(&self, conn: &mut AnyConnection, batch_at: EpochMillis) -> Result<Posted> {
        match self {
            PostingJob::Transfer(cmd) => Ok(Posted::Transfer(post(conn, &cmd.posting(), batch_at).await?)),
            PostingJob::Payment { plan, pay_key, at, by } => {
                Ok(Posted::Payment(apply_payment(conn, plan, pay_key.as_deref(), *at, by.as_ref()).await?))
            }
            PostingJob::Refund(job) => Ok(Posted::Refund(apply_refund(conn, job).await?)),
        }
    }

    /// After a refused attempt (rolled back): when the refusal was a concurrent request with
    /// the same idempotency key committing first, the answer is that request's.
    async fn replay_after_conflict(&self, conn: &mut AnyConnection, err: StorageError) -> Result<Posted> {
        match self {
            PostingJob::Transfer(TransferCommand { idempotency: Some(claim), .. }) if is_key_conflict(&err) => {
                match find_by_key(conn, claim).await? {
                    Some(outcome) => Ok(Posted::Transfer(outcome)),
                    None => Err(err),
                }
            }
            _ => Err(err),
        }
    }
}

fn is_key_conflict(err: &StorageError) -> bool {
    matches!(err, StorageError::Rule(e) if e.code == ErrorCode::IdempotencyKeyReused)
}

/// Locks the accounts of a whole batch up front, in account-id order, so that two nodes
/// committing batches over the same accounts queue instead of deadlocking, and an order job
/// takes its accounts before its order, coupon and resource rows like every other writer.
/// Only PostgreSQL needs it: a SQLite write transaction already excludes every other writer.
async fn lock_accounts(conn: &mut AnyConnection, backend: Backend, jobs: &[PostingJob]) -> Result<()> {
    let Some(clause) = backend.lock_rows_clause() else { return Ok(()) };
    let mut accounts: Vec<String> = jobs.iter().flat_map(PostingJob::accounts).collect();
    accounts.sort();
    accounts.dedup();
    let mut sql = Sql::new("");
    let params: Vec<String> = accounts.iter().map(|a| sql.text_param(a)).collect();
    sql.replace_text(format!(
        "SELECT account_id FROM fund_accounts WHERE account_id IN ({}) ORDER BY account_id{clause}",
        params.join(", ")
    ));
    sql.query().fetch_all(conn).await?;
    Ok(())
}

impl Db {
    /// Moves money as one atomic transaction, or not at all, dated by the business clock.
    pub async fn transfer(&self, cmd: &TransferCommand) -> Result<TransferOutcome> {
        match self.post_job(&PostingJob::Transfer(cmd.clone())).await? {
            Posted::Transfer(outcome) => Ok(outcome),
            other => Err(StorageError::Corrupt(format!("a transfer posted as {other:?}"))),
        }
    }

    /// Executes one job in its own transaction (a batch of one: no savepoint), on behalf of
    /// the signed request the current task serves, if any.
    pub async fn post_job(&self, job: &PostingJob) -> Result<Posted> {
        self.post_job_for(job, current_signed_request().as_ref()).await
    }

    /// As `post_job`, on behalf of `signed` (the group commit's writer runs jobs of other
    /// tasks' requests).
    pub(crate) async fn post_job_for(&self, job: &PostingJob, signed: Option<&SignedRequest>) -> Result<Posted> {
        match self.try_post_job(job, signed).await {
            Err(e) if is_key_conflict(&e) => {
                let mut conn = self.pool.acquire().await?;
                job.replay_after_conflict(&mut conn, e).await
            }
            other => other,
        }
    }

    async fn try_post_job(&self, job: &PostingJob, signed: Option<&SignedRequest>) -> Result<Posted> {
        let mut tx = self.begin_locked().await?;
        // Accounts first, then the signature, in the same order as a batch takes them: two
        // copies of one signed request, one alone and one in a batch, then queue on the
        // accounts instead of each holding what the other waits for.
        if signed.is_some() || !matches!(job, PostingJob::Transfer(_)) {
            lock_accounts(&mut tx, self.backend, std::slice::from_ref(job)).await?;
        }
        if let Some(request) = signed {
            record_signature(&mut tx, request).await?;
        }
        let at = business_now(&mut tx).await?;
        let posted = job.apply(&mut tx, at).await?;
        tx.commit().await?;
        Ok(posted)
    }

    /// Applies several movements in one transaction with one commit (group commit). Each runs
    /// under its own savepoint: a refused one (short balance, idempotency conflict) rolls back
    /// alone and gets its own error, the others commit. The outer error means the whole batch
    /// failed and nothing of it was applied (or, if the commit itself failed, that the outcome
    /// is unknown: retries with the same idempotency key resolve it).
    pub async fn transfer_batch(&self, cmds: &[TransferCommand]) -> Result<Vec<Result<TransferOutcome>>> {
        let jobs: Vec<PostingJob> = cmds.iter().cloned().map(PostingJob::Transfer).collect();
        let results = self.post_batch(&jobs).await?;
        Ok(results
            .into_iter()
            .map(|r| match r? {
                Posted::Transfer(outcome) => Ok(outcome),
                other => Err(StorageError::Corrupt(format!("a transfer posted as {other:?}"))),
            })
            .collect())
    }

    /// As `transfer_batch`, for any jobs: transfers, payments and refunds share the commit.
    pub async fn post_batch(&self, jobs: &[PostingJob]) -> Result<Vec<Result<Posted>>> {
        let signed = current_signed_request();
        let jobs: Vec<(PostingJob, Option<SignedRequest>)> = jobs.iter().map(|j| (j.clone(), signed.clone())).collect();
        self.post_batch_for(&jobs).await
    }

    /// As `post_batch`, each job on behalf of its own signed request: under the job's
    /// savepoint, the request's signature is recorded first (a replay rolls back alone).
    pub(crate) async fn post_batch_for(&self, jobs: &[(PostingJob, Option<SignedRequest>)]) -> Result<Vec<Result<Posted>>> {
        let mut tx = self.begin_locked().await?;
        let plain: Vec<PostingJob> = jobs.iter().map(|(job, _)| job.clone()).collect();
        lock_accounts(&mut tx, self.backend, &plain).await?;
        let at = business_now(&mut tx).await?;
        let mut results = Vec::with_capacity(jobs.len());
        for (job, signed) in jobs {
            sqlx::query("SAVEPOINT posting").execute(&mut *tx).await?;
            let applied = match signed {
                Some(request) => match record_signature(&mut tx, request).await {
                    Ok(()) => job.apply(&mut tx, at).await,
                    Err(e) => Err(e),
                },
                None => job.apply(&mut tx, at).await,
            };
            let result = match applied {
                Ok(posted) => Ok(posted),
                Err(e) => {
                    sqlx::query("ROLLBACK TO SAVEPOINT posting").execute(&mut *tx).await?;
                    job.replay_after_conflict(&mut tx, e).await
                }
            };
            sqlx::query("RELEASE SAVEPOINT posting").execute(&mut *tx).await?;
            results.push(result);
        }
        tx.commit().await?;
        Ok(results)
    }
}
