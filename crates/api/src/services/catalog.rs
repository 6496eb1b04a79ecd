//! The price book and discounts a request is priced with, shared by handlers and the CLI.

use crate::error::ApiError;
use pc_domain::catalog::PriceBook;
use pc_domain::pricing::CustomerDiscount;
use pc_domain::query::now_millis;
use pc_domain::tenancy::{AccountKind, Principal};
use pc_storage::Db;
use std::sync::Arc;

/// The price book in effect now.
pub async fn book_now(db: &Db) -> Result<Arc<PriceBook>, ApiError> {
    Ok(db.price_book_at(now_millis()).await?)
}

/// A customer is priced with its partner's discounts; partners and the operator see
/// official prices.
pub async fn discounts_for(db: &Db, principal: &Principal) -> Result<Vec<CustomerDiscount>, ApiError> {
    match principal.kind {
        AccountKind::Customer => Ok(db.customer_discounts(&principal.domain_id).await?),
        _ => Ok(Vec::new()),
    }
}
