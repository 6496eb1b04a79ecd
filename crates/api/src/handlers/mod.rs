//! Thin handlers: extract (the caller's capability first, see `crate::principal`), call the
//! services, the domain and storage, shape the wire response.

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
use pc_domain::DomainError;
use pc_wire::funds::{decimal_literal, JsonDecimal};

/// A required amount field: the exact decimal the client sent, > 0 with at most 2 places.
pub(crate) fn money_field(field: &str, raw: Option<&JsonDecimal>) -> Result<Money, DomainError> {
    match raw {
        None => Err(DomainError::invalid(format!("{field} is required."))),
        Some(r) => Money::parse_movement(field, decimal_literal(r)),
    }
}

/// A record's real actor on the wire (`ActedBy`); absent for the product's own changes.
pub(crate) fn acted_by(by: Option<&pc_domain::tenancy::Actor>) -> pc_wire::ActedBy {
    pc_wire::ActedBy {
        acted_by_id: by.map(|a| a.account.to_string()),
        acted_by_member_id: by.and_then(|a| a.member.as_ref()).map(|m| m.to_string()),
    }
}
