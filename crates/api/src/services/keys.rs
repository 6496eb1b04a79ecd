//! Access keys an account manages for itself: issue (the secret is shown once), list, disable.

use crate::error::ApiError;
use crate::state::AppState;
use crate::vault::IssuedKey;
use pc_domain::tenancy::Principal;
use pc_domain::DomainError;
use pc_domain::MemberId;
use pc_storage::{KeyRow, StoredKey};

/// A member's keys carry its member id, so they act with the member's roles and scope.
fn member_of(principal: &Principal) -> Option<&MemberId> {
    principal.member.as_ref().map(|m| &m.member_id)
}

pub async fn issue_own_key(state: &AppState, principal: &Principal) -> Result<IssuedKey, ApiError> {
    let key = state.vault.issue();
    state
        .db
        .insert_access_key(&StoredKey {
            access_key_id: key.access_key_id.clone(),
            domain_id: principal.domain_id.clone(),
            member_id: member_of(principal).cloned(),
            secret_sealed: key.sealed.clone(),
        })
        .await?;
    Ok(key)
}

pub async fn list_own_keys(state: &AppState, principal: &Principal) -> Result<Vec<KeyRow>, ApiError> {
    Ok(state.db.list_access_keys(&principal.domain_id, member_of(principal)).await?)
}

pub async fn disable_own_key(state: &AppState, principal: &Principal, access_key_id: &str) -> Result<(), ApiError> {
    let own = list_own_keys(state, principal).await?.iter().any(|k| k.access_key_id == access_key_id);
    if !own || !state.db.disable_access_key(&principal.domain_id, access_key_id).await? {
        return Err(DomainError::invalid("No such active access key of yours.").into());
    }
    state.keys.remove(access_key_id);
    Ok(())
}
