//! The error catalogue: every CBC code the product answers with, its HTTP status and a
//! message a person understands. One place for each code; handlers never invent codes.

use std::fmt;

/// Declares the catalogue from one table: a new code is one line here (variant, wire code,
/// HTTP status, default message), and `ALL`, `code()`, `status()` and `default_message()`
/// follow from it. The console's catalogues (`crates/console/i18n/*.toml`) translate each
/// wire code; a test there fails when a code has no translation.
macro_rules! error_catalogue {
    ($( $(#[doc = $doc:literal])* $variant:ident = ($code:literal, $status:literal, $message:literal), )+) => {
        /// A documented CBC error code. The variant names say what went wrong; `code()` gives
        /// the wire code from the partner Open API reference, `status()` its HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$( ErrorCode::$variant, )+];

            /// The wire code, e.g. `CBC.0100`.
            pub fn code(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )+ }
            }

            /// The HTTP status the code is answered with.
            pub fn status(self) -> u16 {
                match self { $( ErrorCode::$variant => $status, )+ }
            }

            /// The generic message, used when the failing rule gives no more specific one.
            pub fn default_message(self) -> &'static str {
                match self { $( ErrorCode::$variant => $message, )+ }
            }
        }
    };
}

error_catalogue! {
    /// CBC.0100: a parameter is missing, malformed or out of range.
    InvalidParameter = ("CBC.0100", 400, "Invalid parameter."),
    /// CBC.0151: the caller's identity may not call this operation.
    AccessDenied = ("CBC.0151", 403, "Access denied."),
    /// CBC.0154: credentials are unknown, the signature is wrong or the request is stale.
    InvalidCredential = ("CBC.0154", 401, "The credential is invalid or expired."),
    /// CBC.0155: this signed request was already processed; it is a replay (docs/DOMAIN.md#R-AUTH-10).
    SignatureReplayed = ("CBC.0155", 401, "This signed request was already processed; a replayed request is refused. Sign the request again (a new X-Sdk-Date or a differing signed header) to send it anew."),
    /// CBC.0999: anything unexpected; details are logged, never returned.
    Internal = ("CBC.0999", 500, "An internal error occurred. Quote the X-Request-Id when reporting it."),
    /// CBC.99000031: the customer login name breaks the naming rules.
    InvalidLoginName = ("CBC.99000031", 400, "The customer login name is invalid."),
    /// CBC.99000038: the customer login name is already taken.
    LoginNameTaken = ("CBC.99000038", 400, "The customer login name already exists."),
    /// CBC.99000039: the partner platform user (xaccount) already has a customer.
    XaccountTaken = ("CBC.99000039", 400, "The xaccount_id is already bound to a customer."),
    /// CBC.99000036: the customer password breaks the password rules.
    InvalidPassword = ("CBC.99000036", 400, "The customer password is invalid."),
    /// CBC.5017: the mobile number is not a valid mainland-China mobile number.
    InvalidMobile = ("CBC.5017", 400, "The customer mobile number is invalid."),
    /// CBC.99000030: the mobile number already registers the maximum number of customers.
    MobileLimitReached = ("CBC.99000030", 400, "This mobile number has reached its customer limit."),
    /// CBC.99000037: the named tier-2 reseller is not one of the caller's.
    NotYourIndirectPartner = ("CBC.99000037", 400, "You have no permission on this reseller."),
    /// CBC.50010059: a tier-1 distributor cannot associate customers with itself.
    DistributorCannotAssociate = ("CBC.50010059", 400, "A tier-1 distributor cannot associate customers with itself; name one of your resellers in indirect_partner_id."),
    /// CBC.99005003: the paying account's balance is short.
    InsufficientBalance = ("CBC.99005003", 400, "The balance is insufficient."),
    /// CBC.99000035: the customer is not a sub-customer of the acting partner.
    NotYourCustomer = ("CBC.99000035", 400, "The customer is not your sub-customer."),
    /// CBC.99007004: a business check failed (e.g. funds for a consultative customer).
    BusinessCheckFailed = ("CBC.99007004", 400, "The operation does not pass a business check."),
    /// CBC.99007009: the idempotency key was already used for a different request.
    IdempotencyKeyReused = ("CBC.99007009", 400, "This idempotency key was already used for a different request."),
    /// CBC.99000012: the coupon quota does not exist (for this partner) or its status forbids the operation.
    QuotaUnavailable = ("CBC.99000012", 400, "The coupon quota does not exist or its status does not allow this operation."),
    /// CBC.99000013: the coupon quota balance is short.
    QuotaInsufficient = ("CBC.99000013", 400, "The coupon quota balance is insufficient."),
    /// CBC.99000017: the coupon quota is not in effect yet, or has expired.
    QuotaNotInEffect = ("CBC.99000017", 400, "The coupon quota is not in effect yet or has expired."),
    /// CBC.99000020: too many coupons in one request.
    TooManyCoupons = ("CBC.99000020", 400, "Too many coupons in one request: at most 100 customers."),
    /// CBC.99000023: the coupon's service or product limits go beyond the quota's.
    LimitsExceedQuota = ("CBC.99000023", 400, "The coupon's service or product limits go beyond the quota's limits."),
    /// CBC.99003100: the resource is in one of the customer's orders pending payment.
    ResourceInPendingOrder = ("CBC.99003100", 400, "The resource is in an order pending payment; pay or cancel that order first."),
    /// CBC.99003144: the resource has an order in progress.
    ResourceOrderInProgress = ("CBC.99003144", 400, "The resource has an order in progress; wait until it completes."),
    /// CBC.99003154: bought duration plus renewal exceeds the maximum.
    RenewalBeyondMaximum = ("CBC.99003154", 400, "The bought duration plus the renewal exceeds the maximum of 5 years."),
    /// CBC.99003108: the order does not exist or is not the caller's.
    OrderNotFound = ("CBC.99003108", 400, "The order does not exist."),
    /// CBC.99003109: the order's status does not allow the operation.
    OrderStatusForbids = ("CBC.99003109", 400, "The order's status does not allow this operation."),
    /// CBC.99003110: the customer has not authorized its partner to order for it.
    NoOrderAuthorization = ("CBC.99003110", 403, "The customer has not authorized you to place orders on its behalf."),
    /// CBC.99003111: marketplace products cannot be ordered on a customer's behalf.
    MarketplaceNotOnBehalf = ("CBC.99003111", 403, "Marketplace products cannot be ordered on a customer's behalf."),
    /// CBC.99003112: a coupon cannot pay this order.
    CouponNotApplicable = ("CBC.99003112", 400, "The coupon cannot pay this order (not yours, not usable, or limited to other services)."),
    /// CBC.99003113: a discount cannot apply to this order.
    DiscountNotApplicable = ("CBC.99003113", 400, "The discount does not apply to this order."),
    /// CBC.99003170: a change of spec would scale the resource down.
    SpecScaleDownRefused = ("CBC.99003170", 400, "A change of spec may only scale up (vCPUs, memory, disk size); scaling down is not supported."),
    /// CBC.99003180: an on-demand purchase needs a positive available balance.
    OnDemandNeedsBalance = ("CBC.99003180", 400, "On-demand purchases need a positive available balance (cash plus usable coupons); top up first."),
    /// CBC.99003181: an on-demand purchase goes beyond the per-order or per-customer quantity limit.
    OnDemandLimitExceeded = ("CBC.99003181", 400, "The on-demand quantity exceeds the limit per order or per customer."),
    /// CBC.99003182: a partner's discount grant goes below the floor the operator set for it.
    DiscountBelowFloor = ("CBC.99003182", 400, "The discount rate is below the minimum the operator allows for this partner."),
    /// CBC.99003016: the resource has expired and been deleted, or does not exist.
    ResourceNotFound = ("CBC.99003016", 400, "The resource has expired and been deleted, or does not exist."),
}

/// A rule violation: a catalogue code plus the message for this case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub code: ErrorCode,
    pub message: String,
}

impl DomainError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        DomainError { code, message: message.into() }
    }

    pub fn of(code: ErrorCode) -> Self {
        DomainError::new(code, code.default_message())
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        DomainError::new(ErrorCode::InvalidParameter, message)
    }

    pub fn denied() -> Self {
        DomainError::of(ErrorCode::AccessDenied)
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.message)
    }
}

impl std::error::Error for DomainError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_and_well_formed() {
        let codes: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        for &c in ErrorCode::ALL {
            assert!(c.code().starts_with("CBC."), "{}", c.code());
            assert!(matches!(c.status(), 400 | 401 | 403 | 500));
        }
    }

    #[test]
    fn auth_and_permission_statuses() {
        assert_eq!(ErrorCode::InvalidCredential.status(), 401);
        assert_eq!(ErrorCode::AccessDenied.status(), 403);
        assert_eq!(ErrorCode::Internal.status(), 500);
        assert_eq!(ErrorCode::LoginNameTaken.status(), 400);
    }
}
