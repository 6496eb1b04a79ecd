//! Group commit: the transfers waiting at a moment share one transaction and one commit
//! (on SQLite, one fsync) instead of paying one each. A single writer task per node takes
//! what is queued (at most `MAX_BATCH`), applies it with `Db::transfer_batch` and answers each
//! caller only after the commit returned, so nothing is acknowledged that a crash could lose.
//! Several nodes on one PostgreSQL database each batch their own requests; the batch locks
//! its accounts in id order, so batches of different nodes queue instead of deadlocking.

use crate::db::Db;
use crate::error::{Result, StorageError};
use crate::funds::{TransferCommand, TransferOutcome};
use tokio::sync::{mpsc, oneshot};

/// Most transfers in one transaction: bounds the time a batch holds the write lock and the
/// latency of its first caller.
pub const MAX_BATCH: usize = 128;

/// Requests waiting for the writer; beyond this, callers wait to enqueue (back-pressure).
const QUEUE: usize = 4 * MAX_BATCH;

type Reply = oneshot::Sender<Result<TransferOutcome>>;

/// A handle on one node's writer task; cheap to clone. The task ends when the last handle
/// is dropped, after answering what was queued.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    queue: mpsc::Sender<(TransferCommand, Reply)>,
}

impl GroupCommit {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(db: Db) -> Self {
        let (queue, requests) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db, requests));
        GroupCommit { queue }
    }

    /// Moves money like `Db::transfer`, sharing the commit with the transfers queued at the
    /// same moment. Returns only after the commit that holds this transfer.
    pub async fn transfer(&self, cmd: TransferCommand) -> Result<TransferOutcome> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((cmd, reply)).await.map_err(|_| StorageError::GroupCommit("the writer has stopped".into()))?;
        answer.await.map_err(|_| StorageError::GroupCommit("the writer stopped before answering".into()))?
    }
}

async fn write_batches(db: Db, mut requests: mpsc::Receiver<(TransferCommand, Reply)>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while requests.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        let (cmds, replies): (Vec<_>, Vec<_>) = waiting.drain(..).unzip();
        match db.transfer_batch(&cmds).await {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    // A caller that went away (client disconnected) needs no answer; its
                    // idempotency key finds the transfer on retry.
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                let message = e.to_string();
                tracing::error!(error = %message, transfers = cmds.len(), "group commit failed");
                for reply in replies {
                    let _ = reply.send(Err(StorageError::GroupCommit(message.clone())));
                }
            }
        }
    }
}
