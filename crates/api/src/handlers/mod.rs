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

/// The caller's language from `X-Language` (docs/DOMAIN.md#R-CAT-9): `zh_CN` when absent.
pub(crate) fn language(headers: &axum::http::HeaderMap) -> Result<pc_domain::catalog::Language, DomainError> {
    let raw = match headers.get("X-Language") {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| DomainError::invalid("X-Language is not valid text."))?),
    };
    pc_domain::catalog::Language::parse(raw)
}

/// Service and resource type names for a response (docs/DOMAIN.md#R-CAT-9): the price book in
/// effect in `lang`; without a book in effect, names show as their codes.
pub(crate) struct Names {
    book: Option<std::sync::Arc<pc_domain::catalog::PriceBook>>,
    lang: pc_domain::catalog::Language,
}

impl Names {
    pub(crate) async fn load(db: &pc_storage::Db, lang: pc_domain::catalog::Language) -> Result<Self, crate::error::ApiError> {
        let book = match crate::services::catalog::book_now(db).await {
            Ok(b) => Some(b),
            Err(crate::error::ApiError::Rule(e)) if e.code == pc_domain::ErrorCode::BusinessCheckFailed => None,
            Err(e) => return Err(e),
        };
        Ok(Names { book, lang })
    }

    pub(crate) fn service(&self, code: &str) -> String {
        self.book.as_ref().map_or_else(|| code.to_owned(), |b| b.service_type_name(code, self.lang))
    }

    pub(crate) fn resource(&self, code: &str) -> String {
        self.book.as_ref().map_or_else(|| code.to_owned(), |b| b.resource_type_name(code, self.lang))
    }
}
