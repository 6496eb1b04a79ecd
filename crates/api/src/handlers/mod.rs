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

/// The caller's language from `X-Language` (docs/DOMAIN.md#R-CAT-9): `zh_CN` when absent.
pub(crate) fn language(headers: &axum::http::HeaderMap) -> Result<pc_domain::catalog::Language, DomainError> {
    let raw = match headers.get("X-Language") {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| DomainError::invalid("X-Language is not valid text."))?),
    };
    pc_domain::catalog::Language::parse(raw)
}
