//! Group commit: the postings waiting at a moment (transfers, order payments, refunds) share
//! one transaction and one commit (on SQLite, one fsync) instead of paying one each. A writer
//! task takes what is queued (at most `MAX_BATCH`), applies it with `Db::post_batch` (each job
//! under its own savepoint) and answers each caller only after
//! the commit returned, so nothing is acknowledged that a crash could lose. SQLite has one
//! writer (the database has one write lock); PostgreSQL several per node, so that batches on
//! different accounts overlap their round trips (`Backend::group_commit_writers`).
//! Several nodes on one PostgreSQL database each batch their own requests; the batch locks
//! its accounts in id order, so batches of different nodes queue instead of deadlocking.

use crate::db::Db;
use crate::error::{Result, StorageError};
use crate::funds::{TransferCommand, TransferOutcome};
use crate::ledger::{Posted, PostingJob};
use crate::write::{current_signed_request, SignedRequest};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// Most transfers in one transaction: bounds the time a batch holds the write lock and the
/// latency of its first caller.
pub const MAX_BATCH: usize = 128;

/// Requests waiting for the writer; beyond this, callers wait to enqueue (back-pressure).
const QUEUE: usize = 4 * MAX_BATCH;

type Reply = oneshot::Sender<Result<Posted>>;
/// A job with the signed request it was posted for (its signature is recorded with it).
type Queued = ((PostingJob, Option<SignedRequest>), Reply);
type Queue = Arc<Mutex<mpsc::Receiver<Queued>>>;

/// A handle on one node's writer task; cheap to clone. The task ends when the last handle
/// is dropped, after answering what was queued.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    queue: mpsc::Sender<Queued>,
}

impl GroupCommit {
    /// Starts the writer tasks on the current tokio runtime.
    pub fn start(db: Db) -> Self {
        let (queue, requests) = mpsc::channel(QUEUE);
        let requests: Queue = Arc::new(Mutex::new(requests));
        for _ in 0..db.backend().group_commit_writers() {
            tokio::spawn(write_batches(db.clone(), requests.clone()));
        }
        GroupCommit { queue }
    }

    /// Moves money like `Db::transfer`, sharing the commit with the transfers queued at the
    /// same moment. Returns only after the commit that holds this transfer.
    pub async fn transfer(&self, cmd: TransferCommand) -> Result<TransferOutcome> {
        match self.post(PostingJob::Transfer(cmd)).await? {
            Posted::Transfer(outcome) => Ok(outcome),
            other => Err(StorageError::Corrupt(format!("a transfer posted as {other:?}"))),
        }
    }

    /// Executes any posting job (a transfer, an order payment, a refund) in the next batch,
    /// on behalf of the signed request the calling task serves, if any (its signature is
    /// recorded under the job's savepoint). Returns only after the commit that holds it.
    pub async fn post(&self, job: PostingJob) -> Result<Posted> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(((job, current_signed_request()), reply))
            .await
            .map_err(|_| StorageError::GroupCommit("the writer has stopped".into()))?;
        answer.await.map_err(|_| StorageError::GroupCommit("the writer stopped before answering".into()))?
    }
}

async fn write_batches(db: Db, requests: Queue) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    // The queue is held only while taking a batch; the next writer takes the next one.
    while requests.lock().await.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let (jobs, replies): (Vec<_>, Vec<_>) = waiting.drain(..).unzip();
        let results = match jobs.as_slice() {
            // Alone: the plain transaction, without savepoints.
            [(job, signed)] => Ok(vec![db.post_job_for(job, signed.as_ref()).await]),
            _ => db.post_batch_for(&jobs).await,
        };
        match results {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    // A caller that went away (client disconnected) needs no answer; its
                    // idempotency key finds the transfer on retry.
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                let message = e.to_string();
                tracing::error!(error = %message, jobs = jobs.len(), "group commit failed");
                for reply in replies {
                    let _ = reply.send(Err(StorageError::GroupCommit(message.clone())));
                }
            }
        }
    }
}
