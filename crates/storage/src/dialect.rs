//! The few places where SQLite and PostgreSQL really differ. Everything else is written once.

use sqlx::AnyConnection;
use sqlx::Executor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// Connection URL with the options this backend needs: SQLite files are created on
    /// first use.
    pub fn connect_url(self, url: &str) -> String {
        match self {
            Backend::Sqlite if !url.contains('?') && !url.contains(":memory:") => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        }
    }

    /// Per-connection settings, applied by the pool to every connection it opens
    /// (`after_connect`): SQLite gets a busy timeout first (so that the statements after it, and
    /// every write transaction, wait for the lock instead of failing), WAL, and enforced
    /// foreign keys.
    pub async fn prepare_connection(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        if self == Backend::Sqlite {
            conn.execute("PRAGMA busy_timeout = 10000").await?;
            conn.execute("PRAGMA journal_mode = WAL").await?;
            conn.execute("PRAGMA foreign_keys = ON").await?;
            // FULL: an acknowledged transfer survives power loss, not just a process crash.
            conn.execute("PRAGMA synchronous = FULL").await?;
        }
        Ok(())
    }

    /// The statement that opens a transaction that will write (used by `Db::begin_write`
    /// only). SQLite must take the write lock up front: upgrading a read transaction fails at
    /// once when another writer got there first, while waiting for the lock honours the busy
    /// timeout.
    pub fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// The clause that locks the rows a SELECT returns, in its ORDER BY order. SQLite has
    /// none and needs none: its write transaction excludes every other writer.
    pub fn lock_rows_clause(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some(" FOR UPDATE"),
        }
    }

    /// Group-commit writer tasks per node. SQLite: one, as the database has one write lock.
    /// PostgreSQL: as many as the pool has connections, so transfers on different accounts
    /// proceed in parallel as on the plain path; batches form only when requests outnumber
    /// the writers (PostgreSQL already shares WAL flushes between concurrent commits).
    pub fn group_commit_writers(self) -> usize {
        match self {
            Backend::Sqlite => 1,
            Backend::Postgres => self.max_connections() as usize,
        }
    }

    /// Connections per pool.
    pub fn max_connections(self) -> u32 {
        match self {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        }
    }

    /// Case-sensitive substring test of `column` against placeholder `param`.
    pub fn contains(self, column: &str, param: &str) -> String {
        match self {
            Backend::Sqlite => format!("instr({column}, {param}) > 0"),
            Backend::Postgres => format!("strpos({column}, {param}) > 0"),
        }
    }

    /// Case-insensitive substring test.
    pub fn contains_ignore_case(self, column: &str, param: &str) -> String {
        self.contains(&format!("lower({column})"), &format!("lower({param})"))
    }
}
