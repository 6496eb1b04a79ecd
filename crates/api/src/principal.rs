//! The caller's capability as part of a handler's signature. `auth::require_signature` puts
//! the authenticated `Principal` in the request; each extractor here takes it out only if
//! the caller holds the capability, and otherwise answers 403 CBC.0151 before the handler
//! runs. Services take the same types, so the console and the CLI hold a capability before
//! they can call them (`from_principal` builds one from a session's principal).

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pc_domain::tenancy::{AccountKind, PartnerContext, PartnerKind, Principal, TenantScope};
use pc_domain::{DomainError, DomainId};
use std::ops::Deref;

/// A capability a caller may hold.
pub trait Capability: Sized {
    /// The capability's name in the route table of `tests/capabilities.rs`.
    const NAME: &'static str;

    /// The capability of `principal`, or CBC.0151 when it does not hold it.
    fn from_principal(principal: Principal) -> Result<Self, DomainError>;
}

/// Any signed caller: partner, member, customer or operator.
#[derive(Debug, Clone)]
pub struct AnyCaller(pub Principal);

impl Capability for AnyCaller {
    const NAME: &'static str = "any";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        Ok(AnyCaller(principal))
    }
}

/// A partner (any kind) or one of its members, with the customers it may see.
#[derive(Debug, Clone)]
pub struct PartnerCaller {
    principal: Principal,
    ctx: PartnerContext,
}

impl Capability for PartnerCaller {
    const NAME: &'static str = "partner";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        let ctx = principal.require_partner()?;
        Ok(PartnerCaller { principal, ctx })
    }
}

impl PartnerCaller {
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn ctx(&self) -> &PartnerContext {
        &self.ctx
    }

    pub fn partner_id(&self) -> &DomainId {
        &self.ctx.partner_id
    }

    /// The partner's own rows, narrowed to the customers the caller may see.
    pub fn own_scope(&self) -> TenantScope {
        self.ctx.own_scope()
    }
}

/// A partner acting with the whole view of its customers: the account's own key, or a
/// member with more than the customer-manager role.
#[derive(Debug, Clone)]
pub struct FullScopePartner(PartnerCaller);

impl Capability for FullScopePartner {
    const NAME: &'static str = "full-scope partner";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        let caller = PartnerCaller::from_principal(principal)?;
        caller.ctx.require_full_scope()?;
        Ok(FullScopePartner(caller))
    }
}

impl Deref for FullScopePartner {
    type Target = PartnerCaller;

    fn deref(&self) -> &PartnerCaller {
        &self.0
    }
}

/// A tier-1 distributor or one of its members.
#[derive(Debug, Clone)]
pub struct Tier1Caller(PartnerCaller);

impl Capability for Tier1Caller {
    const NAME: &'static str = "tier-1";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        let caller = PartnerCaller::from_principal(principal)?;
        if caller.ctx.kind != PartnerKind::Distributor {
            return Err(DomainError::denied());
        }
        Ok(Tier1Caller(caller))
    }
}

/// A narrower partner capability reads as the partner caller it narrows.
macro_rules! narrows_partner_caller {
    ($($capability:ty),*) => {$(
        impl Deref for $capability {
            type Target = PartnerCaller;

            fn deref(&self) -> &PartnerCaller {
                &self.0
            }
        }
    )*};
}

narrows_partner_caller!(Tier1Caller, FullScopeTier1);

/// A tier-1 distributor with the whole view (its own key or a wide member).
#[derive(Debug, Clone)]
pub struct FullScopeTier1(PartnerCaller);

impl Capability for FullScopeTier1 {
    const NAME: &'static str = "full-scope tier-1";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        let Tier1Caller(caller) = Tier1Caller::from_principal(principal)?;
        caller.ctx.require_full_scope()?;
        Ok(FullScopeTier1(caller))
    }
}

/// A customer acting on its own account.
#[derive(Debug, Clone)]
pub struct CustomerCaller(Principal, TenantScope);

impl Capability for CustomerCaller {
    const NAME: &'static str = "customer";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        let scope = principal.customer_scope()?;
        Ok(CustomerCaller(principal, scope))
    }
}

/// A caller that is one account with one fixed scope: the principal, its id and the scope.
macro_rules! account_with_scope {
    ($($capability:ty),*) => {$(
        impl $capability {
            pub fn principal(&self) -> &Principal {
                &self.0
            }

            pub fn id(&self) -> &DomainId {
                &self.0.domain_id
            }

            /// The rows this caller may read: a customer's own, or every tenant's for the operator.
            pub fn scope(&self) -> &TenantScope {
                &self.1
            }
        }
    )*};
}

account_with_scope!(CustomerCaller, OperatorCaller);

/// The platform operator.
#[derive(Debug, Clone)]
pub struct OperatorCaller(Principal, TenantScope);

impl Capability for OperatorCaller {
    const NAME: &'static str = "operator";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        let scope = principal.operator_scope()?;
        Ok(OperatorCaller(principal, scope))
    }
}

/// A customer for itself, or a partner (or member) for its customers: the operations on
/// orders and resources both may call. The operator is refused.
#[derive(Debug, Clone)]
pub enum CustomerOrPartner {
    Customer(CustomerCaller),
    Partner(PartnerCaller),
}

impl Capability for CustomerOrPartner {
    const NAME: &'static str = "customer or partner";

    fn from_principal(principal: Principal) -> Result<Self, DomainError> {
        match principal.kind {
            AccountKind::Customer => Ok(CustomerOrPartner::Customer(CustomerCaller::from_principal(principal)?)),
            AccountKind::Partner(_) => Ok(CustomerOrPartner::Partner(PartnerCaller::from_principal(principal)?)),
            AccountKind::Operator => Err(DomainError::denied()),
        }
    }
}

impl CustomerOrPartner {
    pub fn principal(&self) -> &Principal {
        match self {
            CustomerOrPartner::Customer(c) => c.principal(),
            CustomerOrPartner::Partner(p) => p.principal(),
        }
    }
}

macro_rules! extract_capability {
    ($($capability:ty),* $(,)?) => {$(
        impl<S: Send + Sync> FromRequestParts<S> for $capability {
            type Rejection = ApiError;

            async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
                let principal = parts
                    .extensions
                    .get::<Principal>()
                    .cloned()
                    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the route is not behind require_signature")))?;
                Ok(<$capability>::from_principal(principal)?)
            }
        }
    )*};
}

extract_capability!(
    AnyCaller,
    PartnerCaller,
    FullScopePartner,
    Tier1Caller,
    FullScopeTier1,
    CustomerCaller,
    OperatorCaller,
    CustomerOrPartner
);
