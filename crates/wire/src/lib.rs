//! Open API wire types. Field names, optionality and value types follow the
//! `huaweicloudsdkbss` v2 models exactly; requests accept unknown fields (the SDK may send
//! more than an operation uses), responses leave out absent fields.
//!
//! The types derive `utoipa::ToSchema` (bodies) and `utoipa::IntoParams` (query strings): the
//! OpenAPI document is generated from them, doc comments become descriptions. Request fields
//! are all optional on the wire (`null` reads as absent); the ones the server refuses when
//! absent (400 CBC.0100) are documented as required, with `#[schema(value_type = ...)]` of
//! the non-optional type.

pub mod coupons;
pub mod customers;
pub mod error;
pub mod funds;
pub mod orders;
pub mod partners;
pub mod probes;
pub mod products;
pub mod ratings;
pub mod resources;

pub use error::ErrorBody;

use serde::Serialize;
use utoipa::ToSchema;

/// Product extension on records: who really made the change, beside the account on whose
/// behalf it was made. Absent when the product made it itself (renewals, expiry) or the
/// record predates this field.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ActedBy {
    /// The account whose key or console session made the change (a tier-1 acting for one of
    /// its tier-2s: the tier-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acted_by_id: Option<String>,
    /// The member who made it, when a member did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acted_by_member_id: Option<String>,
}
pub use schema::{Limit, Offset, Price, Yuan, YuanMovement};

mod schema;
