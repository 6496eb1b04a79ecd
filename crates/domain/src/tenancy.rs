//! Who is calling and what they may see: account kinds, partner kinds, member roles and the
//! customer-visibility scope (docs/DOMAIN.md#S-TEN).

use crate::error::{DomainError, ErrorCode};
use crate::ids::{DomainId, MemberId};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Operator,
    Partner(PartnerKind),
    Customer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnerKind {
    /// Tier-1 distributor (总经销商): invited offline, has lost its customer identity.
    Distributor,
    /// Tier-2 reseller (云经销商): sells under one distributor.
    Reseller,
    /// Solution provider (解决方案提供商): resells directly.
    SolutionProvider,
}

impl AccountKind {
    /// Storage encoding: (kind, partner_kind).
    pub fn as_db(self) -> (&'static str, Option<&'static str>) {
        match self {
            AccountKind::Operator => ("operator", None),
            AccountKind::Customer => ("customer", None),
            AccountKind::Partner(p) => ("partner", Some(p.as_db())),
        }
    }

    pub fn from_db(kind: &str, partner_kind: Option<&str>) -> Option<Self> {
        match (kind, partner_kind) {
            ("operator", None) => Some(AccountKind::Operator),
            ("customer", None) => Some(AccountKind::Customer),
            ("partner", Some(p)) => PartnerKind::from_db(p).map(AccountKind::Partner),
            _ => None,
        }
    }

    /// A tier-1 distributor has no customer identity: it can never buy (docs/DOMAIN.md#R-TEN-3).
    pub fn can_buy(self) -> bool {
        !matches!(self, AccountKind::Partner(PartnerKind::Distributor) | AccountKind::Operator)
    }
}

impl PartnerKind {
    pub fn as_db(self) -> &'static str {
        match self {
            PartnerKind::Distributor => "distributor",
            PartnerKind::Reseller => "reseller",
            PartnerKind::SolutionProvider => "solution_provider",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "distributor" => Some(PartnerKind::Distributor),
            "reseller" => Some(PartnerKind::Reseller),
            "solution_provider" => Some(PartnerKind::SolutionProvider),
            _ => None,
        }
    }

    /// Whether customers may be associated with a partner of this kind.
    pub fn can_have_customers(self) -> bool {
        !matches!(self, PartnerKind::Distributor)
    }
}

/// How a customer is associated with its partner (docs/DOMAIN.md#R-TEN-4). Wire values "1" / "2".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssociationType {
    /// 顾问销售: the customer pays the cloud directly.
    Consultative,
    /// 代售: the partner funds and invoices the customer.
    Resale,
}

impl AssociationType {
    pub fn code(self) -> i32 {
        match self {
            AssociationType::Consultative => 1,
            AssociationType::Resale => 2,
        }
    }

    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            1 => Some(AssociationType::Consultative),
            2 => Some(AssociationType::Resale),
            _ => None,
        }
    }

    /// The `association_type` filter of the list operations: "1" or "2".
    pub fn parse_filter(s: &str) -> Result<Self, DomainError> {
        match s {
            "1" => Ok(AssociationType::Consultative),
            "2" => Ok(AssociationType::Resale),
            _ => Err(DomainError::invalid("association_type must be \"1\" (consultative) or \"2\" (resale).")),
        }
    }

    /// `cooperation_type` of create_sub_customer: "1" is consultative, anything else resale.
    pub fn from_cooperation_type(s: Option<&str>) -> Self {
        match s {
            Some("1") => AssociationType::Consultative,
            _ => AssociationType::Resale,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AssociationType::Consultative => "consultative",
            AssociationType::Resale => "resale",
        }
    }
}

/// Roles a partner member can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Admin,
    CustomerManager,
    Finance,
    Sales,
    ProjectSpecialist,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::CustomerManager, Role::Finance, Role::Sales, Role::ProjectSpecialist];

    pub fn as_db(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CustomerManager => "customer_manager",
            Role::Finance => "finance",
            Role::Sales => "sales",
            Role::ProjectSpecialist => "project_specialist",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_db() == s)
    }
}

/// Which of a partner's customers a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerScope {
    /// Every customer associated with the partner.
    AllOfPartner,
    /// Only customers this member manages.
    ManagedBy(String),
}

impl CustomerScope {
    /// docs/DOMAIN.md#R-TEN-6: a customer manager sees only the customers assigned to them, unless they
    /// also hold another role, which widens the view to all customers.
    pub fn for_member(member_id: &str, roles: &BTreeSet<Role>) -> Self {
        let only_customer_manager = !roles.is_empty() && roles.iter().all(|r| *r == Role::CustomerManager);
        if only_customer_manager {
            CustomerScope::ManagedBy(member_id.to_owned())
        } else {
            CustomerScope::AllOfPartner
        }
    }
}

/// A member acting for its partner company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberIdentity {
    pub member_id: MemberId,
    pub roles: BTreeSet<Role>,
}

/// The authenticated caller. Every repository call is scoped by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub domain_id: DomainId,
    pub kind: AccountKind,
    /// Set when a member's key signed the request; `None` for the account's own key.
    pub member: Option<MemberIdentity>,
}

/// The partner a partner-side request acts for, with the visibility of the caller. Only
/// `Principal::require_partner` builds one (`non_exhaustive` forbids literals elsewhere), so
/// a `TenantScope` made from it always stems from an authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PartnerContext {
    pub partner_id: DomainId,
    pub kind: PartnerKind,
    pub scope: CustomerScope,
}

/// Who really did something: the account whose key or session made the request, and the
/// member when a member did. Records keep it beside the account on whose behalf the change
/// was made (a tier-1 acting for one of its tier-2s, a partner ordering for its customer), so
/// both can be shown. Changes the product makes by itself (renewals, expiry) have no actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: DomainId,
    pub member: Option<MemberId>,
}

impl Principal {
    /// The real actor of whatever this caller does.
    pub fn actor(&self) -> Actor {
        Actor { account: self.domain_id.clone(), member: self.member.as_ref().map(|m| m.member_id.clone()) }
    }

    /// Partner-only operations: any other caller gets CBC.0151 and learns nothing.
    pub fn require_partner(&self) -> Result<PartnerContext, DomainError> {
        match self.kind {
            AccountKind::Partner(kind) => Ok(PartnerContext {
                partner_id: self.domain_id.clone(),
                kind,
                scope: match &self.member {
                    None => CustomerScope::AllOfPartner,
                    Some(m) => CustomerScope::for_member(&m.member_id, &m.roles),
                },
            }),
            _ => Err(DomainError::denied()),
        }
    }

    pub fn require_partner_of_kind(&self, allowed: &[PartnerKind]) -> Result<PartnerContext, DomainError> {
        let ctx = self.require_partner()?;
        if allowed.contains(&ctx.kind) {
            Ok(ctx)
        } else {
            Err(DomainError::denied())
        }
    }

    /// Operator-only operations (top-ups, provisioning).
    pub fn require_operator(&self) -> Result<&DomainId, DomainError> {
        match self.kind {
            AccountKind::Operator => Ok(&self.domain_id),
            _ => Err(DomainError::denied()),
        }
    }

    /// Customer-only operations (a customer's own account data).
    pub fn require_customer(&self) -> Result<&DomainId, DomainError> {
        match self.kind {
            AccountKind::Customer => Ok(&self.domain_id),
            _ => Err(DomainError::denied()),
        }
    }

    /// A customer reads its own rows only.
    pub fn customer_scope(&self) -> Result<TenantScope, DomainError> {
        Ok(TenantScope(Reach::Customer(self.require_customer()?.clone())))
    }

    /// The operator reads every tenant's rows.
    pub fn operator_scope(&self) -> Result<TenantScope, DomainError> {
        self.require_operator()?;
        Ok(TenantScope(Reach::Everyone))
    }
}

/// Which tenant rows a read may return: every storage read of tenant data takes one and
/// applies it in SQL. It is built from an authenticated caller (`PartnerContext::own_scope`,
/// `listing_owner`, `Principal::customer_scope`, `Principal::operator_scope`) or, for the
/// scheduler that acts for no caller, by `TenantScope::scheduler`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScope(Reach);

/// What a `TenantScope` reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Rows of `owner` (a partner, or the tier-2 a tier-1 acts for) and of its customers,
    /// narrowed to the customers `customers` lets the caller see.
    Partner { owner: DomainId, customers: CustomerScope },
    /// The customer's own rows.
    Customer(DomainId),
    /// Every tenant: the operator and the scheduler.
    Everyone,
}

impl TenantScope {
    /// The time-driven jobs act for every tenant, on behalf of no caller.
    pub fn scheduler() -> Self {
        TenantScope(Reach::Everyone)
    }

    pub fn reach(&self) -> &Reach {
        &self.0
    }

    /// The partner whose rows this scope reads, if it is a partner scope.
    pub fn partner_owner(&self) -> Option<&DomainId> {
        match &self.0 {
            Reach::Partner { owner, .. } => Some(owner),
            _ => None,
        }
    }

    /// The customers of the scope, for rules that check one customer (a partner's member
    /// scope; `AllOfPartner` for any other scope).
    pub fn customers(&self) -> &CustomerScope {
        match &self.0 {
            Reach::Partner { customers, .. } => customers,
            _ => &CustomerScope::AllOfPartner,
        }
    }
}

impl PartnerContext {
    /// The partner's own rows, narrowed to the customers the caller may see.
    pub fn own_scope(&self) -> TenantScope {
        TenantScope(Reach::Partner { owner: self.partner_id.clone(), customers: self.scope.clone() })
    }

    /// Members scoped to their managed customers act on those customers only; creating new
    /// customers or acting for a reseller needs the wider view.
    pub fn require_full_scope(&self) -> Result<(), DomainError> {
        match self.scope {
            CustomerScope::AllOfPartner => Ok(()),
            CustomerScope::ManagedBy(_) => Err(DomainError::denied()),
        }
    }
}

/// Where a new customer is associated: with the caller, or (a tier-1 acting for one of its
/// tier-2s) with the named reseller. `reseller_parent` is the parent of the named reseller as
/// storage found it, `None` if no such reseller exists.
pub fn association_target(
    caller: &PartnerContext,
    indirect_partner_id: Option<&DomainId>,
    reseller_parent: Option<&DomainId>,
) -> Result<DomainId, DomainError> {
    match caller.kind {
        PartnerKind::Distributor => match indirect_partner_id {
            None => Err(DomainError::of(ErrorCode::DistributorCannotAssociate)),
            Some(id) => {
                if reseller_parent == Some(&caller.partner_id) {
                    Ok(id.clone())
                } else {
                    Err(DomainError::of(ErrorCode::NotYourIndirectPartner))
                }
            }
        },
        // indirect_partner_id only means something for a tier-1 caller; others ignore it.
        PartnerKind::SolutionProvider => Ok(caller.partner_id.clone()),
        // The Open API lets only solution providers and tier-1 distributors create customers.
        PartnerKind::Reseller => Err(DomainError::denied()),
    }
}

/// Whose rows a partner request reads: the caller's own, or — for a tier-1 naming one of
/// its tier-2s — that reseller's.
pub fn listing_owner(
    caller: &PartnerContext,
    indirect_partner_id: Option<&DomainId>,
    reseller_parent: Option<&DomainId>,
) -> Result<TenantScope, DomainError> {
    match (caller.kind, indirect_partner_id) {
        (PartnerKind::Distributor, Some(id)) => {
            caller.require_full_scope()?;
            if reseller_parent == Some(&caller.partner_id) {
                Ok(TenantScope(Reach::Partner { owner: id.clone(), customers: caller.scope.clone() }))
            } else {
                Err(DomainError::of(ErrorCode::NotYourIndirectPartner))
            }
        }
        _ => Ok(caller.own_scope()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(kind: PartnerKind) -> PartnerContext {
        PartnerContext { partner_id: DomainId::generate(), kind, scope: CustomerScope::AllOfPartner }
    }

    #[test]
    fn customer_manager_alone_is_narrowed_other_roles_widen() {
        let cm: BTreeSet<_> = [Role::CustomerManager].into();
        assert_eq!(CustomerScope::for_member("m1", &cm), CustomerScope::ManagedBy("m1".into()));
        let cm_fin: BTreeSet<_> = [Role::CustomerManager, Role::Finance].into();
        assert_eq!(CustomerScope::for_member("m1", &cm_fin), CustomerScope::AllOfPartner);
        let admin: BTreeSet<_> = [Role::Admin].into();
        assert_eq!(CustomerScope::for_member("m1", &admin), CustomerScope::AllOfPartner);
    }

    #[test]
    fn partner_operations_reject_customers_and_operators() {
        for kind in [AccountKind::Customer, AccountKind::Operator] {
            let p = Principal { domain_id: DomainId::generate(), kind, member: None };
            assert_eq!(p.require_partner().unwrap_err().code, ErrorCode::AccessDenied);
        }
        let partner = Principal { domain_id: DomainId::generate(), kind: AccountKind::Partner(PartnerKind::Reseller), member: None };
        assert_eq!(partner.require_customer().unwrap_err().code, ErrorCode::AccessDenied);
        assert_eq!(partner.require_partner_of_kind(&[PartnerKind::Distributor]).unwrap_err().code, ErrorCode::AccessDenied);
    }

    #[test]
    fn member_key_carries_its_scope() {
        let p = Principal {
            domain_id: DomainId::generate(),
            kind: AccountKind::Partner(PartnerKind::SolutionProvider),
            member: Some(MemberIdentity { member_id: MemberId::from_trusted("m9".into()), roles: [Role::CustomerManager].into() }),
        };
        let ctx = p.require_partner().unwrap();
        assert_eq!(ctx.scope, CustomerScope::ManagedBy("m9".into()));
        assert!(ctx.require_full_scope().is_err());
    }

    #[test]
    fn scopes_come_from_the_caller() {
        let member = Principal {
            domain_id: DomainId::generate(),
            kind: AccountKind::Partner(PartnerKind::SolutionProvider),
            member: Some(MemberIdentity { member_id: MemberId::from_trusted("m9".into()), roles: [Role::CustomerManager].into() }),
        };
        let scope = member.require_partner().unwrap().own_scope();
        assert_eq!(scope.reach(), &Reach::Partner { owner: member.domain_id.clone(), customers: CustomerScope::ManagedBy("m9".into()) });
        assert_eq!(member.customer_scope().unwrap_err().code, ErrorCode::AccessDenied);
        assert_eq!(member.operator_scope().unwrap_err().code, ErrorCode::AccessDenied);
        let customer = Principal { domain_id: DomainId::generate(), kind: AccountKind::Customer, member: None };
        assert_eq!(customer.customer_scope().unwrap().reach(), &Reach::Customer(customer.domain_id.clone()));
        let operator = Principal { domain_id: DomainId::generate(), kind: AccountKind::Operator, member: None };
        assert_eq!(operator.operator_scope().unwrap().reach(), &Reach::Everyone);
    }

    #[test]
    fn distributor_cannot_buy() {
        assert!(!AccountKind::Partner(PartnerKind::Distributor).can_buy());
        assert!(AccountKind::Partner(PartnerKind::Reseller).can_buy());
        assert!(AccountKind::Customer.can_buy());
    }

    #[test]
    fn association_target_rules() {
        let sp = ctx(PartnerKind::SolutionProvider);
        let other = DomainId::generate();
        assert_eq!(association_target(&sp, Some(&other), None).unwrap(), sp.partner_id);

        let t1 = ctx(PartnerKind::Distributor);
        assert_eq!(association_target(&t1, None, None).unwrap_err().code, ErrorCode::DistributorCannotAssociate);
        let t2 = DomainId::generate();
        assert_eq!(association_target(&t1, Some(&t2), Some(&t1.partner_id)).unwrap(), t2);
        let stranger = DomainId::generate();
        assert_eq!(association_target(&t1, Some(&t2), Some(&stranger)).unwrap_err().code, ErrorCode::NotYourIndirectPartner);
        assert_eq!(association_target(&t1, Some(&t2), None).unwrap_err().code, ErrorCode::NotYourIndirectPartner);

        let reseller = ctx(PartnerKind::Reseller);
        assert_eq!(association_target(&reseller, None, None).unwrap_err().code, ErrorCode::AccessDenied);
    }

    #[test]
    fn listing_owner_rules() {
        let t1 = ctx(PartnerKind::Distributor);
        assert_eq!(listing_owner(&t1, None, None).unwrap().partner_owner(), Some(&t1.partner_id));
        let t2 = DomainId::generate();
        assert_eq!(listing_owner(&t1, Some(&t2), Some(&t1.partner_id)).unwrap().partner_owner(), Some(&t2));
        assert_eq!(listing_owner(&t1, Some(&t2), None).unwrap_err().code, ErrorCode::NotYourIndirectPartner);
        let sp = ctx(PartnerKind::SolutionProvider);
        assert_eq!(listing_owner(&sp, Some(&t2), None).unwrap().partner_owner(), Some(&sp.partner_id));
    }
}
