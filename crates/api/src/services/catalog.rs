//! The price book and discounts a request is priced with, shared by handlers and the CLI.

use crate::error::ApiError;
use crate::principal::OperatorCaller;
use pc_domain::catalog::PriceBook;
use pc_domain::pricing::CustomerDiscount;
use pc_domain::tenancy::{AccountKind, Principal};
use pc_domain::{DomainError, DomainId};
use pc_storage::Db;
use rust_decimal::Decimal;
use std::sync::Arc;

/// The price book in effect now, on the business clock (docs/DOMAIN.md#R-CLOCK-3).
pub async fn book_now(db: &Db) -> Result<Arc<PriceBook>, ApiError> {
    Ok(db.price_book_at(db.now().await?).await?)
}

/// A customer is priced with its partner's discounts; partners and the operator see
/// official prices.
pub async fn discounts_for(db: &Db, principal: &Principal) -> Result<Vec<CustomerDiscount>, ApiError> {
    match principal.kind {
        AccountKind::Customer => Ok(db.customer_discounts(&principal.domain_id).await?),
        _ => Ok(Vec::new()),
    }
}

/// The operator sets the lowest discount rate `partner` may grant, for one service type of the
/// price book or every type without its own (docs/DOMAIN.md#R-PRICE-12). An account that is
/// not a partner is CBC.0100.
pub async fn set_discount_floor(
    db: &Db,
    operator: &OperatorCaller,
    partner: &str,
    service_type: Option<&str>,
    min_rate: &str,
) -> Result<(DomainId, Decimal), ApiError> {
    let min_rate = pc_domain::pricing::parse_discount_floor(min_rate)?;
    let partner = DomainId::parse(partner).map_err(|_| DomainError::invalid("partner_id must be a partner account id."))?;
    match db.find_account(&partner).await? {
        Some(a) if matches!(a.kind, AccountKind::Partner(_)) => {}
        _ => return Err(DomainError::invalid(format!("partner_id '{partner}' is not a partner.")).into()),
    }
    if let Some(t) = service_type {
        if book_now(db).await?.service_type(t).is_none() {
            return Err(DomainError::invalid(format!("service_type_code '{t}' is not in the price book.")).into());
        }
    }
    db.set_discount_floor(&partner, service_type, min_rate, operator.id(), db.now().await?).await?;
    Ok((partner, min_rate))
}
