//! Money movements and balances (docs/DOMAIN.md#S-FUNDS). Movements go through the node's group
//! commit (`ledger`); reads go to the database.

use super::{acting_owner, acting_scope};
use crate::error::ApiError;
use crate::principal::{OperatorCaller, PartnerCaller};
use pc_domain::funds::{check_fundable_customer, check_reseller_movement, TransferKind};
use pc_domain::money::Money;
use pc_domain::tenancy::{Principal, TenantScope};
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::{Balance, Db, GroupCommit, IdempotencyClaim, TransferCommand, TransferOutcome};
use sha2::{Digest, Sha256};

/// Direction of a movement relative to the partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Partner → customer / tier-1 → tier-2.
    Allocate,
    /// Customer → partner / tier-2 → tier-1.
    Reclaim,
}

impl Direction {
    fn kind(self) -> TransferKind {
        match self {
            Direction::Allocate => TransferKind::Allocate,
            Direction::Reclaim => TransferKind::Reclaim,
        }
    }
}

/// An idempotency key as the caller sent it, bound to the caller and the request.
pub fn claim(principal: &Principal, key: Option<String>, operation: &str, fields: &[&str]) -> Option<IdempotencyClaim> {
    key.map(|key| {
        let mut h = Sha256::new();
        h.update(operation.as_bytes());
        for f in fields {
            h.update([0u8]);
            h.update(f.as_bytes());
        }
        IdempotencyClaim { scope: principal.domain_id.to_string(), key, request_hash: hex::encode(h.finalize()) }
    })
}

fn parse_customer(raw: Option<&str>) -> Result<DomainId, DomainError> {
    match raw {
        None | Some("") => Err(DomainError::invalid("customer_id is required.")),
        // A malformed id cannot be one of the caller's customers.
        Some(s) => DomainId::parse(s).map_err(|_| DomainError::of(ErrorCode::NotYourCustomer)),
    }
}

/// The partner whose money moves and the customer it moves with, once the rules say the
/// caller may move money with that customer (the customer is the acting partner's, in the
/// member's scope, and fundable).
async fn customer_movement_parties(
    db: &Db,
    caller: &PartnerCaller,
    customer_id: Option<&str>,
    indirect: Option<&str>,
) -> Result<(DomainId, DomainId), ApiError> {
    let ctx = caller.ctx();
    let customer = parse_customer(customer_id)?;
    let owner = acting_owner(db, ctx, indirect).await?;
    let scoped = matches!(ctx.scope, pc_domain::tenancy::CustomerScope::ManagedBy(_));
    let standing = db.customer_standing_with(&customer, scoped).await?;
    check_fundable_customer(ctx, &owner, standing.as_ref())?;
    Ok((owner, customer))
}

/// The tier-2 a tier-1 may move money with.
async fn movement_reseller(db: &Db, caller: &PartnerCaller, reseller_id: Option<&str>) -> Result<DomainId, ApiError> {
    let reseller = match reseller_id {
        None | Some("") => return Err(DomainError::invalid("indirect_partner_id is required.").into()),
        Some(s) => DomainId::parse(s).map_err(|_| DomainError::of(ErrorCode::NotYourIndirectPartner))?,
    };
    let parent = db.reseller_parent(&reseller).await?;
    check_reseller_movement(caller.ctx(), parent.as_ref())?;
    Ok(reseller)
}

/// Checks, before anything about it is shown, that the caller may move money with `target`
/// (a customer, or with `to_reseller` a tier-2): the same rules as the movement itself.
pub async fn check_movement_target(db: &Db, caller: &PartnerCaller, to_reseller: bool, target: &str) -> Result<DomainId, ApiError> {
    if to_reseller {
        movement_reseller(db, caller, Some(target)).await
    } else {
        Ok(customer_movement_parties(db, caller, Some(target), None).await?.1)
    }
}

/// Partner ↔ its resale customer (a tier-1 acts for a tier-2's customer through
/// `indirect_partner_id`, moving the tier-2's money).
// The movement's fields come from the request as they are; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub async fn move_customer_funds(
    db: &Db,
    ledger: &GroupCommit,
    caller: &PartnerCaller,
    direction: Direction,
    customer_id: Option<&str>,
    amount: Money,
    indirect: Option<&str>,
    idempotency: Option<IdempotencyClaim>,
) -> Result<TransferOutcome, ApiError> {
    let (owner, customer) = customer_movement_parties(db, caller, customer_id, indirect).await?;
    let (from, to) = match direction {
        Direction::Allocate => (owner.clone(), customer.clone()),
        Direction::Reclaim => (customer.clone(), owner.clone()),
    };
    let cmd = TransferCommand {
        kind: direction.kind(),
        actor: owner,
        counterparty: customer,
        from_owner: Some(from),
        to_owner: to,
        amount,
        idempotency,
        by: Some(caller.principal().actor()),
    };
    Ok(ledger.transfer(cmd).await?)
}

/// Tier-1 ↔ its tier-2.
pub async fn move_reseller_funds(
    db: &Db,
    ledger: &GroupCommit,
    caller: &PartnerCaller,
    direction: Direction,
    reseller_id: Option<&str>,
    amount: Money,
    idempotency: Option<IdempotencyClaim>,
) -> Result<TransferOutcome, ApiError> {
    let ctx = caller.ctx();
    let reseller = movement_reseller(db, caller, reseller_id).await?;
    let (from, to) = match direction {
        Direction::Allocate => (ctx.partner_id.clone(), reseller.clone()),
        Direction::Reclaim => (reseller.clone(), ctx.partner_id.clone()),
    };
    let cmd = TransferCommand {
        kind: direction.kind(),
        actor: ctx.partner_id.clone(),
        counterparty: reseller,
        from_owner: Some(from),
        to_owner: to,
        amount,
        idempotency,
        by: Some(caller.principal().actor()),
    };
    Ok(ledger.transfer(cmd).await?)
}

/// Operator credits a partner's cash account.
pub async fn top_up(
    db: &Db,
    ledger: &GroupCommit,
    caller: &OperatorCaller,
    partner_id: Option<&str>,
    amount: Money,
    idempotency: Option<IdempotencyClaim>,
) -> Result<TransferOutcome, ApiError> {
    let operator = caller.id().clone();
    let partner = match partner_id {
        None | Some("") => return Err(DomainError::invalid("partner_id is required.").into()),
        Some(s) => DomainId::parse(s)?,
    };
    match db.find_account(&partner).await? {
        Some(a) if matches!(a.kind, pc_domain::tenancy::AccountKind::Partner(_)) => {}
        _ => return Err(DomainError::invalid(format!("{partner} is not a partner account.")).into()),
    }
    let cmd = TransferCommand {
        kind: TransferKind::TopUp,
        actor: operator,
        counterparty: partner.clone(),
        from_owner: None,
        to_owner: partner,
        amount,
        idempotency,
        by: Some(caller.principal().actor()),
    };
    Ok(ledger.transfer(cmd).await?)
}

/// The partner's own balance, or (tier-1 with `indirect_partner_id`) its tier-2's.
pub async fn partner_balance(db: &Db, caller: &PartnerCaller, indirect: Option<&str>) -> Result<Balance, ApiError> {
    let owner = acting_owner(db, caller.ctx(), indirect).await?;
    Ok(db.cash_balance(&owner).await?)
}

/// Whose records a partner reads: its own, or a tier-1's named tier-2's; narrowed to the
/// customers the caller may see.
pub async fn records_scope(db: &Db, caller: &PartnerCaller, indirect: Option<&str>) -> Result<TenantScope, ApiError> {
    acting_scope(db, caller.ctx(), indirect).await
}
