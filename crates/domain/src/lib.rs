//! Pure rules of the partner center. No I/O: storage and HTTP call into this crate, never the
//! reverse.

/// An enum whose variants are the integer codes of an Open API field: `code()` for the wire
/// and storage, `from_code()` for reading them back, `ALL` for listing.
#[macro_export]
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> i64 {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn from_code(code: i64) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

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
pub use ids::{CouponId, DomainId, DomainName, MemberId, OrderId, QuotaId, ResourceId, TransferId, Xaccount};
