//! Application services: the orchestration of one operation (principal → domain rules →
//! storage), shared by the HTTP handlers and the CLI.

pub mod catalog;
pub mod coupons;
pub mod customers;
pub mod funds;
pub mod keys;
pub mod orders;

use crate::error::ApiError;
use pc_domain::tenancy::{listing_owner, PartnerContext};
use pc_domain::DomainId;
use pc_storage::Db;

/// The partner a request acts for: the caller, or — a tier-1 naming one of its tier-2s in
/// `indirect_partner_id` — that tier-2. Others' `indirect_partner_id` is ignored.
pub(crate) async fn acting_owner(db: &Db, ctx: &PartnerContext, indirect: Option<&str>) -> Result<DomainId, ApiError> {
    let (reseller, parent) = crate::handlers::indirect_partner(db, ctx, indirect).await?;
    Ok(listing_owner(ctx, reseller.as_ref(), parent.as_ref())?)
}
