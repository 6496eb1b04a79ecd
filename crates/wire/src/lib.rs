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
pub use schema::{Limit, Offset, Price, Yuan, YuanMovement};

mod schema;
