//! Open API wire types. Field names, optionality and value types follow the
//! `huaweicloudsdkbss` v2 models exactly; requests accept unknown fields (the SDK may send
//! more than an operation uses), responses leave out absent fields.

pub mod coupons;
pub mod customers;
pub mod error;
pub mod funds;
pub mod orders;
pub mod partners;
pub mod products;
pub mod ratings;
pub mod resources;

pub use error::ErrorBody;
