use crate::vault::KeyVault;
use pc_domain::tenancy::Principal;
use pc_storage::{Db, GroupCommit};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a resolved access key is trusted without asking the database again. A disabled
/// key or an unbound member stops working within this time.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(30);

/// A verified access key: its secret and whom it authenticates.
#[derive(Clone, Debug)]
pub struct ResolvedKey {
    pub secret: String,
    pub principal: Principal,
}

/// Access keys resolved recently, so that a signed request costs no database read.
#[derive(Clone, Debug, Default)]
pub struct KeyCache {
    entries: Arc<RwLock<HashMap<String, (ResolvedKey, Instant)>>>,
}

impl KeyCache {
    pub fn get(&self, access_key: &str) -> Option<ResolvedKey> {
        let entries = self.entries.read().ok()?;
        entries.get(access_key).filter(|(_, at)| at.elapsed() < KEY_CACHE_TTL).map(|(k, _)| k.clone())
    }

    pub fn put(&self, access_key: &str, key: ResolvedKey) {
        if let Ok(mut entries) = self.entries.write() {
            // Bounded: expired entries are dropped whenever the map grows large.
            if entries.len() > 10_000 {
                entries.retain(|_, (_, at)| at.elapsed() < KEY_CACHE_TTL);
            }
            entries.insert(access_key.to_owned(), (key, Instant::now()));
        }
    }

    /// Forgets a key at once (it was disabled on this node).
    pub fn remove(&self, access_key: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(access_key);
        }
    }
}

/// Shared by every request: the database, this node's group-commit writer for money
/// movements, the server key and the resolved-key cache.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub ledger: GroupCommit,
    pub vault: KeyVault,
    pub keys: KeyCache,
}

impl AppState {
    /// Starts the node's group-commit writer: call inside the tokio runtime.
    pub fn new(db: Db, vault: KeyVault) -> Self {
        AppState { ledger: GroupCommit::start(db.clone()), db, vault, keys: KeyCache::default() }
    }
}
