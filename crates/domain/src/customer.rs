//! Creating customers and checking whether an identity is still free (docs/DOMAIN.md#S-CUST).

use crate::error::{DomainError, ErrorCode};
use crate::ids::{ascii_word, is_name_byte};
use crate::ids::{DomainName, Xaccount};
use crate::tenancy::AssociationType;

/// How many customer accounts one mobile number may register.
pub const MAX_CUSTOMERS_PER_MOBILE: i64 = 5;

/// A mainland-China mobile number, stored without country code: `1` and ten more digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileNumber(String);

impl MobileNumber {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        if ascii_word(s, 11..=11, |b| b == b'1', |b| b.is_ascii_digit()) {
            Ok(MobileNumber(s.to_owned()))
        } else {
            Err(DomainError::new(
                ErrorCode::InvalidMobile,
                format!("'{s}' is not a mainland-China mobile number (11 digits starting with 1)."),
            ))
        }
    }

    /// The identity-check form `00CC-NNNN`: only country code 0086 is served.
    pub fn parse_international(s: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid(format!("'{s}' is not a mobile number of the form 0086-13XXXXXXXXX."));
        let digits = |t: &str| ascii_word(t, 1..=usize::MAX, |b| b.is_ascii_digit(), |b| b.is_ascii_digit());
        let (cc, number) = s.split_once('-').filter(|(cc, n)| cc.len() == 4 && digits(cc) && digits(n)).ok_or_else(bad)?;
        if cc != "0086" {
            return Err(DomainError::invalid("Only the country code 0086 is supported."));
        }
        MobileNumber::parse(number).map_err(|_| bad())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A customer password: at least 8 characters from at least two of upper case, lower case,
/// digits and other characters; not the login name or its reverse; not containing the mobile.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 32;

    pub fn parse(s: &str, name: &DomainName, mobile: Option<&MobileNumber>) -> Result<Self, DomainError> {
        let fail = |why: &str| Err(DomainError::new(ErrorCode::InvalidPassword, format!("The password is invalid: {why}.")));
        let len = s.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return fail("it must be 8 to 32 characters long");
        }
        let classes = [
            s.chars().any(|c| c.is_ascii_uppercase()),
            s.chars().any(|c| c.is_ascii_lowercase()),
            s.chars().any(|c| c.is_ascii_digit()),
            s.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if classes.iter().filter(|&&c| c).count() < 2 {
            return fail("use at least two of upper-case letters, lower-case letters, digits and special characters");
        }
        let reversed: String = name.as_str().chars().rev().collect();
        if s == name.as_str() || s == reversed {
            return fail("it must not be the login name or the login name reversed");
        }
        if let Some(m) = mobile {
            if s.contains(m.as_str()) {
                return fail("it must not contain the mobile number");
            }
        }
        Ok(Password(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A validated create_sub_customer request.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub domain_name: DomainName,
    pub xaccount: Xaccount,
    pub mobile: Option<MobileNumber>,
    pub password: Option<Password>,
    pub association: AssociationType,
    pub marketing_messages_off: bool,
}

/// The raw fields of create_sub_customer, as the wire gives them.
#[derive(Debug, Default, Clone)]
pub struct NewCustomerInput<'a> {
    pub domain_name: Option<&'a str>,
    pub xaccount_type: Option<&'a str>,
    pub xaccount_id: Option<&'a str>,
    pub mobile_phone: Option<&'a str>,
    pub password: Option<&'a str>,
    pub cooperation_type: Option<&'a str>,
    pub is_close_market_ms: Option<&'a str>,
}

impl NewCustomer {
    pub fn parse(input: NewCustomerInput<'_>) -> Result<Self, DomainError> {
        let xaccount = Xaccount::parse(input.xaccount_type, input.xaccount_id)?;
        // Absent, null or empty: the system picks a random name.
        let domain_name = match input.domain_name {
            None | Some("") => DomainName::random(),
            Some(n) => DomainName::parse(n)?,
        };
        // Absent or null: no mobile; an empty string is kept as "no mobile" too.
        let mobile = match input.mobile_phone {
            None | Some("") => None,
            Some(m) => Some(MobileNumber::parse(m)?),
        };
        let password = match input.password {
            None => None,
            Some("") => {
                return Err(DomainError::new(ErrorCode::InvalidPassword, "The password must not be an empty string; omit it instead."))
            }
            Some(p) => Some(Password::parse(p, &domain_name, mobile.as_ref())?),
        };
        let marketing_messages_off = match input.is_close_market_ms {
            None | Some("") | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(DomainError::invalid("is_close_market_ms must be \"true\" or \"false\".")),
        };
        Ok(NewCustomer {
            domain_name,
            xaccount,
            mobile,
            password,
            association: AssociationType::from_cooperation_type(input.cooperation_type),
            marketing_messages_off,
        })
    }
}

/// What check_user_identity looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityQuery {
    Email(String),
    Mobile(MobileNumber),
    Name(String),
}

impl IdentityQuery {
    pub fn parse(search_type: Option<&str>, search_value: Option<&str>) -> Result<Self, DomainError> {
        let value = match search_value {
            None | Some("") => return Err(DomainError::invalid("search_value is required.")),
            Some(v) if v.chars().count() > 64 => return Err(DomainError::invalid("search_value must be at most 64 characters.")),
            Some(v) => v,
        };
        match search_type {
            Some("email") => {
                let ok = value
                    .split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
                if ok {
                    Ok(IdentityQuery::Email(value.to_ascii_lowercase()))
                } else {
                    Err(DomainError::invalid(format!("'{value}' is not a complete e-mail address.")))
                }
            }
            Some("mobile") => Ok(IdentityQuery::Mobile(MobileNumber::parse_international(value)?)),
            Some("name") => {
                // A reserved name (op_…, shadow_…) is well formed but never available: the
                // check answers so rather than refusing the question (IdentityCheck::evaluate).
                if ascii_word(value, 5..=32, |b| b.is_ascii_alphabetic() || b == b'-', is_name_byte) {
                    Ok(IdentityQuery::Name(value.to_owned()))
                } else {
                    Err(DomainError::invalid(format!("'{value}' is not a valid login name.")))
                }
            }
            None | Some("") => Err(DomainError::invalid("search_type is required: email, mobile or name.")),
            Some(other) => Err(DomainError::invalid(format!("search_type '{other}' is unknown: use email, mobile or name."))),
        }
    }
}

/// The answer of check_user_identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityCheck {
    pub available: bool,
    /// Only for mobile queries: how many more customers the number may register.
    pub mobile_remaining: Option<i64>,
}

impl IdentityCheck {
    /// `uses` is how many accounts already use the identity.
    pub fn evaluate(query: &IdentityQuery, uses: i64) -> Self {
        match query {
            IdentityQuery::Mobile(_) => {
                let remaining = (MAX_CUSTOMERS_PER_MOBILE - uses).max(0);
                IdentityCheck { available: remaining > 0, mobile_remaining: Some(remaining) }
            }
            IdentityQuery::Name(name) if DomainName::is_reserved(name) => IdentityCheck { available: false, mobile_remaining: None },
            _ => IdentityCheck { available: uses == 0, mobile_remaining: None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>() -> NewCustomerInput<'a> {
        NewCustomerInput { xaccount_type: Some("plat"), xaccount_id: Some("u1"), ..Default::default() }
    }

    #[test]
    fn empty_name_gets_a_random_one() {
        let c = NewCustomer::parse(NewCustomerInput { domain_name: Some(""), ..input() }).unwrap();
        assert_eq!(c.domain_name.as_str().len(), 32);
        let c = NewCustomer::parse(input()).unwrap();
        assert_eq!(c.domain_name.as_str().len(), 32);
    }

    #[test]
    fn cooperation_type_one_is_consultative_else_resale() {
        let c = NewCustomer::parse(NewCustomerInput { cooperation_type: Some("1"), ..input() }).unwrap();
        assert_eq!(c.association, AssociationType::Consultative);
        for other in [None, Some("2"), Some("x")] {
            let c = NewCustomer::parse(NewCustomerInput { cooperation_type: other, ..input() }).unwrap();
            assert_eq!(c.association, AssociationType::Resale);
        }
    }

    #[test]
    fn xaccount_is_required() {
        let e = NewCustomer::parse(NewCustomerInput { xaccount_id: None, ..input() }).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
    }

    #[test]
    fn password_rules() {
        let name = DomainName::parse("alice_01").unwrap();
        let mobile = MobileNumber::parse("13800000000").unwrap();
        assert!(Password::parse("Secret123", &name, None).is_ok());
        for bad in ["short1A", "alllowercase", "ALLUPPERCASE", "12345678901", "alice_01", "10_ecila", "x13800000000y"] {
            let e = Password::parse(bad, &name, Some(&mobile)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidPassword, "{bad}");
        }
        let e = NewCustomer::parse(NewCustomerInput { password: Some(""), ..input() }).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidPassword);
    }

    #[test]
    fn mobile_rules() {
        assert!(MobileNumber::parse("13800000000").is_ok());
        assert_eq!(MobileNumber::parse("23800000000").unwrap_err().code, ErrorCode::InvalidMobile);
        assert_eq!(MobileNumber::parse_international("0086-13800000000").unwrap().as_str(), "13800000000");
        assert!(MobileNumber::parse_international("13800000000").is_err());
        assert!(MobileNumber::parse_international("0044-7700900000").is_err());
    }

    #[test]
    fn identity_query_parsing() {
        assert!(matches!(IdentityQuery::parse(Some("email"), Some("A@b.com")).unwrap(), IdentityQuery::Email(e) if e == "a@b.com"));
        assert!(IdentityQuery::parse(Some("email"), Some("nobody")).is_err());
        assert!(IdentityQuery::parse(Some("name"), Some("alice")).is_ok());
        assert!(IdentityQuery::parse(Some("name"), Some("_alice")).is_err());
        assert!(IdentityQuery::parse(Some("phone"), Some("x")).is_err());
        assert!(IdentityQuery::parse(None, Some("x")).is_err());
    }

    #[test]
    fn identity_check_counts_mobile_uses() {
        let q = IdentityQuery::Mobile(MobileNumber::parse("13800000000").unwrap());
        assert_eq!(IdentityCheck::evaluate(&q, 0), IdentityCheck { available: true, mobile_remaining: Some(5) });
        assert_eq!(IdentityCheck::evaluate(&q, 4), IdentityCheck { available: true, mobile_remaining: Some(1) });
        assert_eq!(IdentityCheck::evaluate(&q, 5), IdentityCheck { available: false, mobile_remaining: Some(0) });
        for reserved in ["op_alice", "OP_alice", "shadow_bob", "ShAdOw_bob"] {
            let q = IdentityQuery::parse(Some("name"), Some(reserved)).unwrap();
            assert!(!IdentityCheck::evaluate(&q, 0).available, "{reserved} is reserved, so never available");
        }
        let n = IdentityQuery::Name("alice".into());
        assert!(IdentityCheck::evaluate(&n, 0).available);
        assert!(!IdentityCheck::evaluate(&n, 1).available);
    }
}
