//! Application services: the orchestration of one operation (capability → domain rules →
//! storage), shared by the HTTP handlers, the console and the CLI.

pub mod catalog;
pub mod coupons;
pub mod customers;
pub mod funds;
pub mod keys;
pub mod orders;
pub mod resources;

use crate::error::ApiError;
use pc_domain::tenancy::{listing_owner, PartnerContext, PartnerKind, TenantScope};
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::Db;

/// Resolves `indirect_partner_id` as sent by a tier-1 caller: empty means absent; an id that
/// is malformed or not a reseller yields no parent, which the domain rule rejects.
pub(crate) async fn indirect_partner(
    db: &Db,
    ctx: &PartnerContext,
    raw: Option<&str>,
) -> Result<(Option<DomainId>, Option<DomainId>), ApiError> {
    let raw = raw.filter(|s| !s.is_empty());
    match (ctx.kind, raw) {
        (PartnerKind::Distributor, Some(raw)) => match DomainId::parse(raw) {
            Ok(id) => {
                let parent = db.reseller_parent(&id).await?;
                Ok((Some(id), parent))
            }
            Err(_) => Err(DomainError::new(ErrorCode::NotYourIndirectPartner, format!("'{raw}' is not one of your resellers.")).into()),
        },
        _ => Ok((None, None)),
    }
}

/// The rows a partner request reads: the caller's, or — a tier-1 naming one of its tier-2s
/// in `indirect_partner_id` — that tier-2's. Others' `indirect_partner_id` is ignored.
pub(crate) async fn acting_scope(db: &Db, ctx: &PartnerContext, indirect: Option<&str>) -> Result<TenantScope, ApiError> {
    let (reseller, parent) = indirect_partner(db, ctx, indirect).await?;
    Ok(listing_owner(ctx, reseller.as_ref(), parent.as_ref())?)
}

/// The partner a request acts for (see `acting_scope`).
pub(crate) async fn acting_owner(db: &Db, ctx: &PartnerContext, indirect: Option<&str>) -> Result<DomainId, ApiError> {
    let scope = acting_scope(db, ctx, indirect).await?;
    scope.partner_owner().cloned().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a partner scope without a partner")))
}
