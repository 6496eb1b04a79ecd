use crate::vault::KeyVault;
use pc_storage::Db;

/// Shared by every request: the database and the server key.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub vault: KeyVault,
}
