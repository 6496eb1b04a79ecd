//! Thin handlers: extract, call the domain and storage, shape the wire response.

pub mod coupons;
pub mod customers;
pub mod echo;
pub mod funds;
pub mod health;
pub mod orders;
pub mod partners;
pub mod products;
pub mod ratings;
pub mod resources;

use pc_domain::money::Money;
use pc_domain::tenancy::PartnerContext;
use pc_domain::{DomainError, DomainId, ErrorCode};
use pc_storage::Db;
use pc_wire::funds::{decimal_literal, JsonDecimal};

/// Resolves `indirect_partner_id` as sent by a tier-1 caller: empty means absent; an id that
/// is malformed or not a reseller yields no parent, which the domain rule rejects.
pub(crate) async fn indirect_partner(
    db: &Db,
    ctx: &PartnerContext,
    raw: Option<&str>,
) -> Result<(Option<DomainId>, Option<DomainId>), crate::error::ApiError> {
    use pc_domain::tenancy::PartnerKind;
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

/// A required amount field: the exact decimal the client sent, > 0 with at most 2 places.
pub(crate) fn money_field(field: &str, raw: Option<&JsonDecimal>) -> Result<Money, DomainError> {
    match raw {
        None => Err(DomainError::invalid(format!("{field} is required."))),
        Some(r) => Money::parse_movement(field, decimal_literal(r)),
    }
}
