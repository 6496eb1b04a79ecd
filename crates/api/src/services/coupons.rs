//! Coupon quotas and coupons (docs/DOMAIN.md#S-COUP).

use super::acting_scope;
use crate::error::ApiError;
use crate::principal::{FullScopeTier1, OperatorCaller, PartnerCaller};
use pc_domain::coupons::{
    check_coupon_customer, check_quota_issuable, coupon_record, coupon_window, Limits, QuotaStatus, MAX_CUSTOMERS_PER_ISSUE,
};
use pc_domain::money::Money;
use pc_domain::query::EpochMillis;
use pc_domain::tenancy::{CustomerScope, TenantScope};
use pc_domain::{CouponId, QuotaId};
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::{Db, NewCoupon, NewQuota, Quota, StorageError};

/// The partner of a partner scope.
fn partner_of(scope: &TenantScope) -> Result<DomainId, ApiError> {
    scope.partner_owner().cloned().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a partner scope without a partner")))
}

/// One item of a batch: its id and either its result or why it failed.
pub type ItemResult<T> = (String, Result<T, DomainError>);

fn item_error(e: StorageError) -> Result<DomainError, ApiError> {
    match e {
        // A replayed request is refused as a whole, not item by item.
        StorageError::Rule(rule) if rule.code == ErrorCode::SignatureReplayed => Err(ApiError::Rule(rule)),
        StorageError::Rule(rule) => Ok(rule),
        other => Err(other.into()),
    }
}

/// The operator grants a partner a quota.
#[allow(clippy::too_many_arguments)]
pub async fn grant_quota(
    db: &Db,
    caller: &OperatorCaller,
    partner_id: Option<&str>,
    quota_type: i64,
    value: Money,
    effective_at: Option<EpochMillis>,
    expire_at: Option<EpochMillis>,
    limits: Limits,
) -> Result<String, ApiError> {
    let operator = caller.id().clone();
    let partner = match partner_id {
        None | Some("") => return Err(DomainError::invalid("partner_id is required.").into()),
        Some(s) => DomainId::parse(s)?,
    };
    match db.find_account(&partner).await?.map(|a| a.kind) {
        Some(pc_domain::tenancy::AccountKind::Partner(_)) => {}
        _ => return Err(DomainError::invalid(format!("{partner} is not a partner account.")).into()),
    }
    let effective_at = match effective_at {
        Some(t) => t,
        None => db.now().await?,
    };
    let expire_at = expire_at.ok_or_else(|| DomainError::invalid("expire_time is required."))?;
    if expire_at <= effective_at {
        return Err(DomainError::invalid("expire_time must be after effective_time.").into());
    }
    Ok(db.create_quota(&NewQuota { owner: partner, granted_by: operator, quota_type, value, effective_at, expire_at, limits }).await?)
}

pub async fn set_quota_status(db: &Db, _caller: &OperatorCaller, quota_id: Option<&str>, status: Option<i64>) -> Result<(), ApiError> {
    let quota_id = quota_id.filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid("quota_id is required."))?;
    let status = match status.and_then(QuotaStatus::from_code) {
        Some(s @ (QuotaStatus::Normal | QuotaStatus::Invalid | QuotaStatus::Frozen)) => s,
        _ => return Err(DomainError::invalid("quota_status must be 0 (normal), 3 (invalid) or 5 (frozen).").into()),
    };
    Ok(db.set_quota_status(&QuotaId::parse(quota_id)?, status).await?)
}

/// The quota a partner issues from: its own, in a status and window that allow issuing.
async fn own_issuable_quota(db: &Db, scope: &TenantScope, quota_id: Option<&str>) -> Result<Quota, ApiError> {
    let id = quota_id.filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid("quota_id is required."))?;
    let Some(quota) = db.find_quota(scope, &QuotaId::parse(id)?).await? else {
        return Err(DomainError::new(ErrorCode::QuotaUnavailable, "The coupon quota does not exist or is not yours.").into());
    };
    check_quota_issuable(quota.status, quota.effective_at, quota.expire_at, db.now().await?)?;
    Ok(quota)
}

/// A tier-1 issues sub-quotas of `amount` to each named tier-2, item by item.
pub async fn issue_sub_quotas(
    db: &Db,
    caller: &FullScopeTier1,
    quota_id: Option<&str>,
    resellers: &[String],
    amount: Money,
) -> Result<Vec<ItemResult<String>>, ApiError> {
    let ctx = caller.ctx();
    if resellers.is_empty() || resellers.len() > MAX_CUSTOMERS_PER_ISSUE {
        return Err(DomainError::invalid("indirect_partner_ids must name 1 to 100 resellers.").into());
    }
    let quota = own_issuable_quota(db, &caller.own_scope(), quota_id).await?;
    let mut out = Vec::with_capacity(resellers.len());
    for raw in resellers {
        let parent = match DomainId::parse(raw) {
            Ok(id) => db.reseller_parent(&id).await?.map(|p| (id, p)),
            Err(_) => None,
        };
        let result = match parent {
            Some((id, p)) if p == ctx.partner_id => {
                match db.issue_sub_quota(&ctx.partner_id, &quota.quota_id, &id, amount, Some(&caller.principal().actor())).await {
                    Ok(sub) => Ok(sub),
                    Err(e) => Err(item_error(e)?),
                }
            }
            _ => Err(DomainError::of(ErrorCode::NotYourIndirectPartner)),
        };
        out.push((raw.clone(), result));
    }
    Ok(out)
}

/// A tier-1 takes back sub-quotas, item by item.
pub async fn reclaim_sub_quotas(
    db: &Db,
    caller: &FullScopeTier1,
    quota_ids: &[String],
    remark: Option<&str>,
) -> Result<Vec<ItemResult<()>>, ApiError> {
    let ctx = caller.ctx();
    if quota_ids.is_empty() || quota_ids.len() > MAX_CUSTOMERS_PER_ISSUE {
        return Err(DomainError::invalid("quota_ids must name 1 to 100 quotas.").into());
    }
    let mut out = Vec::with_capacity(quota_ids.len());
    for id in quota_ids {
        let result = match db.reclaim_sub_quota(&ctx.partner_id, id, remark, Some(&caller.principal().actor())).await {
            Ok(()) => Ok(()),
            Err(e) => Err(item_error(e)?),
        };
        out.push((id.clone(), result));
    }
    Ok(out)
}

/// What create_partner_coupons asks for, parsed.
pub struct CouponIssue {
    pub quota_id: Option<String>,
    pub customer_ids: Vec<String>,
    pub face_value: Money,
    pub valid_at: Option<EpochMillis>,
    pub expire_at: Option<EpochMillis>,
    pub limits: Limits,
    pub memo: Option<String>,
    pub indirect_partner_id: Option<String>,
}

pub async fn issue_coupons(db: &Db, caller: &PartnerCaller, req: CouponIssue) -> Result<Vec<ItemResult<String>>, ApiError> {
    let ctx = caller.ctx();
    let scope = acting_scope(db, ctx, req.indirect_partner_id.as_deref()).await?;
    let owner = partner_of(&scope)?;
    if req.customer_ids.is_empty() {
        return Err(DomainError::invalid("customer_ids must name at least one customer.").into());
    }
    if req.customer_ids.len() > MAX_CUSTOMERS_PER_ISSUE {
        return Err(DomainError::of(ErrorCode::TooManyCoupons).into());
    }
    let quota = own_issuable_quota(db, &scope, req.quota_id.as_deref()).await?;
    let limits = Limits::for_coupon(req.limits, &quota.limits)?;
    let (effective_at, expire_at) = coupon_window(req.valid_at, req.expire_at, quota.effective_at, quota.expire_at)?;
    let mut out = Vec::with_capacity(req.customer_ids.len());
    for raw in &req.customer_ids {
        let standing = match DomainId::parse(raw) {
            Ok(id) => db.customer_standing(&id).await?.map(|s| (id, s)),
            Err(_) => None,
        };
        let result = match standing {
            Some((customer, s)) => match check_coupon_customer(ctx, &owner, Some(&s)) {
                Ok(()) => {
                    let c = NewCoupon {
                        issuer: owner.clone(),
                        quota_id: quota.quota_id.to_string(),
                        customer,
                        face_value: req.face_value,
                        effective_at,
                        expire_at,
                        limits: limits.clone(),
                        memo: req.memo.clone(),
                        by: Some(caller.principal().actor()),
                    };
                    match db.issue_coupon(&c).await {
                        Ok(id) => Ok(id),
                        Err(e) => Err(item_error(e)?),
                    }
                }
                Err(e) => Err(e),
            },
            None => Err(DomainError::of(ErrorCode::NotYourCustomer)),
        };
        out.push((raw.clone(), result));
    }
    Ok(out)
}

/// Reclaims coupons the acting partner issued, each separately (the API sends one; the CLI
/// and console send several).
pub async fn reclaim_coupons(
    db: &Db,
    caller: &PartnerCaller,
    coupon_ids: &[String],
    indirect: Option<&str>,
) -> Result<Vec<ItemResult<Money>>, ApiError> {
    let scope = acting_scope(db, caller.ctx(), indirect).await?;
    let owner = partner_of(&scope)?;
    let mut out = Vec::with_capacity(coupon_ids.len());
    for id in coupon_ids {
        // A scoped member reclaims only from customers it manages: others' coupons are out
        // of its scope, as if they did not exist.
        if let CustomerScope::ManagedBy(_) = scope.customers() {
            if db.find_coupon(&scope, &CouponId::parse(id)?).await?.is_none() {
                out.push((id.clone(), Err(DomainError::of(ErrorCode::NotYourCustomer))));
                continue;
            }
        }
        let result = match db.reclaim_coupon(&owner, id, coupon_record::MANUAL_RECLAIM, Some(&caller.principal().actor())).await {
            Ok(m) => Ok(m),
            Err(e) => Err(item_error(e)?),
        };
        out.push((id.clone(), result));
    }
    Ok(out)
}

/// Records the expiry of every usable coupon past its expire time on the business clock and
/// returns its balance to its quota (docs/DOMAIN.md#R-CLOCK-3): the server's sweeper and
/// `pcenter admin sweep-coupons`.
pub async fn sweep_expired_coupons(db: &Db) -> Result<usize, ApiError> {
    let now = db.now().await?;
    Ok(db.sweep_expired_coupons(now).await?)
}
