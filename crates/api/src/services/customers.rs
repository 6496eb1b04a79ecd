//! Sub-customers (docs/DOMAIN.md#S-CUST): creation, scoped listing, and the audited reveal of a
//! masked field (#R-CON-5).

use crate::error::ApiError;
use crate::passwords::hash_password;
use crate::principal::{FullScopePartner, PartnerCaller};
use pc_domain::console::SensitiveField;
use pc_domain::customer::{NewCustomer, NewCustomerInput};
use pc_domain::query::Page;
use pc_domain::tenancy::association_target;
use pc_domain::{DomainError, DomainId, DomainName, ErrorCode};
use pc_storage::{CustomerFilter, CustomerItem, Db};

/// Creates a customer associated with the caller, or (a tier-1) with its named tier-2.
pub async fn create_sub_customer(
    db: &Db,
    caller: &FullScopePartner,
    input: NewCustomerInput<'_>,
    indirect: Option<&str>,
) -> Result<(DomainId, DomainName), ApiError> {
    let new = NewCustomer::parse(input)?;
    let (reseller, parent) = super::indirect_partner(db, caller.ctx(), indirect).await?;
    let target = association_target(caller.ctx(), reseller.as_ref(), parent.as_ref())?;
    let hash = match &new.password {
        Some(p) => Some(hash_password(p.expose().to_owned()).await?),
        None => None,
    };
    let id = db.create_customer(&target, &new, hash.as_deref()).await?;
    tracing::info!(customer = %id, partner = %target, "customer created");
    Ok((id, new.domain_name))
}

/// One page of the customers the caller may see (its own, or a tier-1's named tier-2's).
pub async fn list_sub_customers(
    db: &Db,
    caller: &PartnerCaller,
    filter: &CustomerFilter,
    page: Page,
    indirect: Option<&str>,
) -> Result<(Vec<CustomerItem>, i64), ApiError> {
    let scope = super::acting_scope(db, caller.ctx(), indirect).await?;
    Ok(db.list_customers(&scope, filter, page).await?)
}

/// One customer the caller may see, or CBC.99000035.
pub async fn visible_customer(db: &Db, caller: &PartnerCaller, customer_id: &str) -> Result<CustomerItem, ApiError> {
    let id = DomainId::parse(customer_id).map_err(|_| DomainError::of(ErrorCode::NotYourCustomer))?;
    let filter = CustomerFilter { customer_id: Some(id), ..Default::default() };
    let (mut items, _) = list_sub_customers(db, caller, &filter, Page::first(1), None).await?;
    items.pop().ok_or_else(|| DomainError::of(ErrorCode::NotYourCustomer).into())
}

/// The clear value of one masked field of a customer the caller may see; every reveal is
/// written to the audit trail before the value is returned.
pub async fn reveal_customer_field(
    db: &Db,
    caller: &PartnerCaller,
    actor_login: &str,
    customer_id: &str,
    field: SensitiveField,
) -> Result<Option<String>, ApiError> {
    let customer = visible_customer(db, caller, customer_id).await?;
    db.record_reveal(caller.partner_id(), actor_login, &customer.customer_id, field).await?;
    Ok(match field {
        SensitiveField::Name => Some(customer.display_name),
        SensitiveField::Mobile => customer.mobile,
        SensitiveField::Email => customer.email,
    })
}
