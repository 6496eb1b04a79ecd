use pc_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A business rule that only the stored state can decide (name taken, ...).
    #[error(transparent)]
    Rule(#[from] DomainError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The batch a transfer was committed with failed; nothing of it was acknowledged.
    #[error("group commit: {0}")]
    GroupCommit(String),
}

pub type Result<T> = std::result::Result<T, StorageError>;
