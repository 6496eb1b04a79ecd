//! Pure rules of the partner center. No I/O: storage and HTTP call into this crate, never the
//! reverse.

pub mod catalog;
pub mod clock;
pub mod console;
pub mod coupons;
pub mod customer;
pub mod error;
pub mod funds;
pub mod ids;
pub mod money;
pub mod orders;
pub mod pricing;
pub mod query;
pub mod tenancy;

pub use error::{DomainError, ErrorCode};
pub use ids::{DomainId, DomainName, Xaccount};
