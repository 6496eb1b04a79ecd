//! Tenant scopes for the storage suites, built the way callers build them: from a principal.
#![allow(dead_code)]

use pc_domain::tenancy::{AccountKind, MemberIdentity, PartnerKind, Principal, Role, TenantScope};
use pc_domain::DomainId;

/// Every tenant (what the scheduler reads).
pub fn everyone() -> TenantScope {
    TenantScope::scheduler()
}

/// A partner's own key.
pub fn partner(partner: &DomainId) -> TenantScope {
    partner_with(partner, None)
}

/// A customer-manager-only member `member` of `partner`.
pub fn managed_by(partner: &DomainId, member: &str) -> TenantScope {
    partner_with(partner, Some(member))
}

fn partner_with(partner: &DomainId, member: Option<&str>) -> TenantScope {
    let member = member
        .map(|m| MemberIdentity { member_id: pc_domain::MemberId::from_trusted(m.to_owned()), roles: [Role::CustomerManager].into() });
    let principal = Principal { domain_id: partner.clone(), kind: AccountKind::Partner(PartnerKind::SolutionProvider), member };
    principal.require_partner().expect("a partner principal").own_scope()
}

/// A customer's own rows.
pub fn customer(customer: &DomainId) -> TenantScope {
    Principal { domain_id: customer.clone(), kind: AccountKind::Customer, member: None }.customer_scope().expect("a customer principal")
}
