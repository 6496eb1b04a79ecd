//! Coupon quotas and coupons (docs/DOMAIN.md#S-COUP): statuses, expiry by time, limits, windows.

use crate::error::{DomainError, ErrorCode};
use crate::funds::CustomerStanding;
use crate::ids::DomainId;
use crate::query::EpochMillis;
use crate::tenancy::{CustomerScope, PartnerContext};

/// Customers per create_partner_coupons request.
pub const MAX_CUSTOMERS_PER_ISSUE: usize = 100;
/// Service types or products a coupon may be limited to.
pub const MAX_LIMIT_ENTRIES: usize = 10;

crate::coded_enum! {
    /// A coupon quota's status (`quota_status` of the Open API).
    QuotaStatus {
        Normal = 0,
        Invalid = 3,
        Adjusting = 4,
        Frozen = 5,
        Reclaimed = 6,
    }
}

crate::coded_enum! {
    /// A coupon's status (`status` of IQueryUserCouponResultV2).
    CouponStatus {
        NotActivated = 1,
        Usable = 2,
        Used = 3,
        Expired = 4,
        Reclaimed = 5,
    }
}

/// Coupon record kinds (`operation_type` of CouponRecordV2; 0 is the customer spending).
pub mod coupon_record {
    pub const SPEND: i64 = 0;
    pub const ISSUE: i64 = 1;
    pub const MANUAL_RECLAIM: i64 = 2;
    pub const UNBIND_RECLAIM: i64 = 3;
    pub const EXPIRY_RECLAIM: i64 = 4;
    /// The coupon part of an unsubscription refund, back to the coupon.
    pub const REFUND: i64 = 5;
}

/// Quota record kinds (`operation_type` of QuotaRecord).
pub mod quota_record {
    pub const ISSUE: i64 = 10;
    pub const RECLAIM: i64 = 11;
}

/// A quota past its expiry reads as invalid (3) wherever it is read.
pub fn effective_quota_status(stored: QuotaStatus, expire_at: EpochMillis, now: EpochMillis) -> QuotaStatus {
    if stored == QuotaStatus::Normal && now >= expire_at {
        QuotaStatus::Invalid
    } else {
        stored
    }
}

/// A usable coupon past its expiry reads as expired (4) wherever it is read.
pub fn effective_coupon_status(stored: CouponStatus, expire_at: EpochMillis, now: EpochMillis) -> CouponStatus {
    if stored == CouponStatus::Usable && now >= expire_at {
        CouponStatus::Expired
    } else {
        stored
    }
}

/// The coupon type a quota type issues: voucher quota (0) → voucher (1); cash-coupon quota
/// (1) → cash coupon (4).
pub fn coupon_type_for(quota_type: i64) -> i64 {
    if quota_type == 1 {
        4
    } else {
        1
    }
}

pub fn parse_quota_type(v: Option<i64>) -> Result<i64, DomainError> {
    match v.unwrap_or(0) {
        t @ (0 | 1) => Ok(t),
        t => Err(DomainError::invalid(format!("quota_type must be 0 (voucher) or 1 (cash coupon), not {t}."))),
    }
}

/// What a quota must be to issue from it (coupons or sub-quotas).
pub fn check_quota_issuable(
    stored_status: QuotaStatus,
    effective_at: EpochMillis,
    expire_at: EpochMillis,
    now: EpochMillis,
) -> Result<(), DomainError> {
    if stored_status != QuotaStatus::Normal {
        return Err(DomainError::new(ErrorCode::QuotaUnavailable, "The coupon quota is frozen, invalid, being adjusted or reclaimed."));
    }
    if now < effective_at || now >= expire_at {
        return Err(DomainError::of(ErrorCode::QuotaNotInEffect));
    }
    Ok(())
}

/// Service-type and product limits of a quota or coupon. Empty means unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    pub cloud_service_types: Vec<String>,
    pub product_ids: Vec<String>,
}

impl Limits {
    pub fn parse(cloud_service_types: Option<Vec<String>>, product_ids: Option<Vec<String>>) -> Result<Self, DomainError> {
        let clean = |field: &str, v: Option<Vec<String>>| -> Result<Vec<String>, DomainError> {
            let v: Vec<String> = v.unwrap_or_default().into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
            if v.len() > MAX_LIMIT_ENTRIES {
                return Err(DomainError::invalid(format!("{field} may name at most {MAX_LIMIT_ENTRIES} entries.")));
            }
            if v.iter().any(|s| s.len() > 64) {
                return Err(DomainError::invalid(format!("{field} entries are at most 64 characters.")));
            }
            Ok(v)
        };
        Ok(Limits {
            cloud_service_types: clean("cloud_service_types", cloud_service_types)?,
            product_ids: clean("product_ids", product_ids)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.cloud_service_types.is_empty() && self.product_ids.is_empty()
    }

    /// The limits a coupon gets from a quota: its own if given (and within the quota's),
    /// else the quota's.
    pub fn for_coupon(requested: Limits, quota: &Limits) -> Result<Limits, DomainError> {
        let within = |asked: &[String], allowed: &[String]| allowed.is_empty() || asked.iter().all(|a| allowed.contains(a));
        if !within(&requested.cloud_service_types, &quota.cloud_service_types) || !within(&requested.product_ids, &quota.product_ids) {
            return Err(DomainError::of(ErrorCode::LimitsExceedQuota));
        }
        Ok(Limits {
            cloud_service_types: if requested.cloud_service_types.is_empty() {
                quota.cloud_service_types.clone()
            } else {
                requested.cloud_service_types
            },
            product_ids: if requested.product_ids.is_empty() { quota.product_ids.clone() } else { requested.product_ids },
        })
    }

    /// Storage form: `types|products`, comma-separated; `None` when unlimited.
    pub fn to_db(&self) -> Option<String> {
        (!self.is_empty()).then(|| format!("{}|{}", self.cloud_service_types.join(","), self.product_ids.join(",")))
    }

    pub fn from_db(s: Option<&str>) -> Limits {
        let split = |t: &str| t.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect::<Vec<_>>();
        match s.and_then(|s| s.split_once('|')) {
            Some((t, p)) => Limits { cloud_service_types: split(t), product_ids: split(p) },
            None => Limits::default(),
        }
    }
}

/// A coupon's validity: defaults to the quota's window and must lie within it.
pub fn coupon_window(
    valid: Option<EpochMillis>,
    expire: Option<EpochMillis>,
    quota_effective: EpochMillis,
    quota_expire: EpochMillis,
) -> Result<(EpochMillis, EpochMillis), DomainError> {
    let from = valid.unwrap_or(quota_effective);
    let to = expire.unwrap_or(quota_expire);
    if from < quota_effective || to > quota_expire {
        return Err(DomainError::invalid("The coupon's valid_time and expire_time must lie within the quota's validity."));
    }
    if to <= from {
        return Err(DomainError::invalid("expire_time must be after valid_time."));
    }
    Ok((from, to))
}

/// May `owner` give coupons to (or reclaim them from) this customer? Only its own
/// customers, in either association mode: the manual has partners give coupons to
/// consultative customers (and take them back on unbinding), while the SDK notes speak of
/// resale customers; both are accepted. A scoped member acts only on managed customers.
pub fn check_coupon_customer(ctx: &PartnerContext, owner: &DomainId, standing: Option<&CustomerStanding>) -> Result<(), DomainError> {
    match standing {
        Some(s) if &s.partner_id == owner => match &ctx.scope {
            CustomerScope::ManagedBy(m) if !s.managers.contains(m) => Err(DomainError::of(ErrorCode::NotYourCustomer)),
            _ => Ok(()),
        },
        _ => Err(DomainError::of(ErrorCode::NotYourCustomer)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenancy::{AssociationType, PartnerKind};

    #[test]
    fn both_association_modes_may_receive_coupons_but_only_own_customers() {
        let ctx =
            PartnerContext { partner_id: DomainId::generate(), kind: PartnerKind::SolutionProvider, scope: CustomerScope::AllOfPartner };
        let me = ctx.partner_id.clone();
        for a in [AssociationType::Resale, AssociationType::Consultative] {
            let s = CustomerStanding { partner_id: me.clone(), association: a, managers: vec![] };
            assert!(check_coupon_customer(&ctx, &me, Some(&s)).is_ok());
        }
        let foreign = CustomerStanding { partner_id: DomainId::generate(), association: AssociationType::Resale, managers: vec![] };
        assert_eq!(check_coupon_customer(&ctx, &me, Some(&foreign)).unwrap_err().code, ErrorCode::NotYourCustomer);
        assert_eq!(check_coupon_customer(&ctx, &me, None).unwrap_err().code, ErrorCode::NotYourCustomer);
        let scoped = PartnerContext { scope: CustomerScope::ManagedBy("m1".into()), ..ctx };
        let unmanaged = CustomerStanding { partner_id: me.clone(), association: AssociationType::Resale, managers: vec!["m2".into()] };
        assert_eq!(check_coupon_customer(&scoped, &me, Some(&unmanaged)).unwrap_err().code, ErrorCode::NotYourCustomer);
    }

    #[test]
    fn expiry_is_by_time() {
        assert_eq!(effective_quota_status(QuotaStatus::Normal, 100, 99), QuotaStatus::Normal);
        assert_eq!(effective_quota_status(QuotaStatus::Normal, 100, 100), QuotaStatus::Invalid);
        assert_eq!(effective_quota_status(QuotaStatus::Frozen, 100, 200), QuotaStatus::Frozen, "a frozen quota stays frozen");
        assert_eq!(effective_coupon_status(CouponStatus::Usable, 100, 100), CouponStatus::Expired);
        assert_eq!(effective_coupon_status(CouponStatus::Reclaimed, 100, 200), CouponStatus::Reclaimed);
        assert_eq!(QuotaStatus::from_code(3), Some(QuotaStatus::Invalid));
        assert_eq!(CouponStatus::from_code(0), None);
        for s in CouponStatus::ALL {
            assert_eq!(CouponStatus::from_code(s.code()), Some(*s));
        }
    }

    #[test]
    fn issuable_quota() {
        assert!(check_quota_issuable(QuotaStatus::Normal, 10, 100, 50).is_ok());
        assert_eq!(check_quota_issuable(QuotaStatus::Frozen, 10, 100, 50).unwrap_err().code, ErrorCode::QuotaUnavailable);
        assert_eq!(check_quota_issuable(QuotaStatus::Invalid, 10, 100, 50).unwrap_err().code, ErrorCode::QuotaUnavailable);
        assert_eq!(check_quota_issuable(QuotaStatus::Normal, 10, 100, 5).unwrap_err().code, ErrorCode::QuotaNotInEffect);
        assert_eq!(check_quota_issuable(QuotaStatus::Normal, 10, 100, 100).unwrap_err().code, ErrorCode::QuotaNotInEffect);
    }

    #[test]
    fn limits_inherit_and_stay_within() {
        let quota = Limits { cloud_service_types: vec!["hws.service.type.ec2".into()], product_ids: vec![] };
        let inherited = Limits::for_coupon(Limits::default(), &quota).unwrap();
        assert_eq!(inherited, quota);
        let wider = Limits { cloud_service_types: vec!["hws.service.type.obs".into()], product_ids: vec![] };
        assert_eq!(Limits::for_coupon(wider.clone(), &quota).unwrap_err().code, ErrorCode::LimitsExceedQuota);
        assert_eq!(Limits::for_coupon(wider.clone(), &Limits::default()).unwrap(), wider, "an unlimited quota allows any limits");
        assert!(Limits::parse(Some(vec!["x".into(); 11]), None).is_err());
        let l = Limits { cloud_service_types: vec!["a".into(), "b".into()], product_ids: vec!["p".into()] };
        assert_eq!(Limits::from_db(l.to_db().as_deref()), l);
        assert_eq!(Limits::default().to_db(), None);
    }

    #[test]
    fn windows() {
        assert_eq!(coupon_window(None, None, 10, 100).unwrap(), (10, 100));
        assert_eq!(coupon_window(Some(20), Some(50), 10, 100).unwrap(), (20, 50));
        assert!(coupon_window(Some(5), None, 10, 100).is_err());
        assert!(coupon_window(None, Some(101), 10, 100).is_err());
        assert!(coupon_window(Some(50), Some(50), 10, 100).is_err());
    }

    #[test]
    fn types() {
        assert_eq!(coupon_type_for(0), 1);
        assert_eq!(coupon_type_for(1), 4);
        assert_eq!(parse_quota_type(None).unwrap(), 0);
        assert!(parse_quota_type(Some(2)).is_err());
    }
}
