//! Identifiers and names, parsed once at the edge (parse, don't validate).

use crate::error::{DomainError, ErrorCode};
use rand::Rng;
use std::fmt;

/// An account id: 32 lowercase hexadecimal characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainId(String);

impl DomainId {
    pub fn generate() -> Self {
        let bytes: [u8; 16] = rand::thread_rng().gen();
        DomainId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        if s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(DomainId(s.to_owned()))
        } else {
            Err(DomainError::invalid(format!("'{s}' is not an account id (32 lowercase hex characters).")))
        }
    }

    /// For values read back from our own storage, which only ever holds parsed ids.
    pub fn from_trusted(s: String) -> Self {
        DomainId(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DomainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An id the product assigns to one kind of record. Each kind is its own type, so an order id
/// can never be passed where a coupon id is expected. The id reads as text (`Deref<Target =
/// str>`) but is only made by [`parse`](OrderId::parse) from a caller's text, by the storage
/// layer when it creates the record, or by `from_trusted` for values read back from storage.
macro_rules! record_id {
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A caller's id: 1 to [`MAX_ID_CHARS`] characters without spaces or control characters.
            /// Whether such a record exists, and is the caller's, is storage's question.
            pub fn parse(s: &str) -> Result<Self, DomainError> {
                if s.is_empty() || s.chars().count() > MAX_ID_CHARS || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(DomainError::invalid(format!(
                        "{} must be 1 to {MAX_ID_CHARS} characters without spaces, not '{s}'.",
                        $field
                    )));
                }
                Ok($name(s.to_owned()))
            }

            /// An absent or empty optional id means "none"; anything else must parse.
            pub fn parse_optional(s: Option<&str>) -> Result<Option<Self>, DomainError> {
                s.filter(|s| !s.is_empty()).map(Self::parse).transpose()
            }

            /// For ids the storage layer made or read back from its own rows.
            pub fn from_trusted(s: String) -> Self {
                $name(s)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        /// Tests build ids from literals; the product only makes them through `parse`,
        /// storage or `from_trusted`.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

/// The longest id a caller may send.
pub const MAX_ID_CHARS: usize = 64;

record_id!(
    /// An order (`order_id`), purchase or refund.
    OrderId,
    "order_id"
);
record_id!(
    /// A provisioned resource (`resource_id`).
    ResourceId,
    "resource_id"
);
record_id!(
    /// A coupon (`coupon_id`).
    CouponId,
    "coupon_id"
);
record_id!(
    /// A coupon quota (`quota_id`).
    QuotaId,
    "quota_id"
);
record_id!(
    /// A movement of money on the ledger (`transfer_id`, `trans_id`).
    TransferId,
    "transfer_id"
);
record_id!(
    /// A partner's member (staff account, `member_id`).
    MemberId,
    "member_id"
);

/// True when `s` is `len` ASCII bytes long, its first byte satisfies `first` and every other
/// byte `rest`: the shape of every name and number the API constrains to a character class.
pub(crate) fn ascii_word(s: &str, len: std::ops::RangeInclusive<usize>, first: fn(u8) -> bool, rest: fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    len.contains(&b.len()) && b.first().is_some_and(|&c| first(c)) && b[1..].iter().all(|&c| rest(c))
}

/// `[a-zA-Z0-9_-]`: the characters of login names.
pub(crate) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A customer account login name (`domain_name`): 5–32 characters of
/// `^[a-zA-Z_-][a-zA-Z0-9_-]*$`, not starting with `op_` or `shadow_`, not all digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DomainName(String);

impl DomainName {
    pub const MIN_LEN: usize = 5;
    pub const MAX_LEN: usize = 32;
    const RESERVED_PREFIXES: [&'static str; 2] = ["op_", "shadow_"];

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let fail =
            |why: &str| Err(DomainError::new(ErrorCode::InvalidLoginName, format!("The customer login name '{s}' is invalid: {why}.")));
        let len = s.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return fail("it must be 5 to 32 characters long");
        }
        if Self::is_reserved(s) {
            return fail("it must not start with op_ or shadow_");
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return fail("it must not be all digits");
        }
        if !ascii_word(s, 1..=usize::MAX, |b| b.is_ascii_alphabetic() || b == b'_' || b == b'-', is_name_byte) {
            return fail("use letters, digits, '_' and '-', starting with a letter, '_' or '-'");
        }
        Ok(DomainName(s.to_owned()))
    }

    /// Names starting with `op_` or `shadow_` (any case) belong to the platform.
    pub fn is_reserved(s: &str) -> bool {
        let lower = s.to_ascii_lowercase();
        Self::RESERVED_PREFIXES.iter().any(|p| lower.starts_with(p))
    }

    /// A random 32-character name, as the API assigns when the caller gives none.
    pub fn random() -> Self {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
        const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut rng = rand::thread_rng();
        let mut s = String::with_capacity(32);
        s.push(LETTERS[rng.gen_range(0..LETTERS.len())] as char);
        while s.len() < 32 {
            s.push(ALNUM[rng.gen_range(0..ALNUM.len())] as char);
        }
        DomainName(s)
    }

    pub fn from_trusted(s: String) -> Self {
        DomainName(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The partner platform's own user of a customer: `xaccount_type` (platform id, ≤ 64) and
/// `xaccount_id` (user id on that platform, ≤ 128). One customer per pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xaccount {
    pub xaccount_type: String,
    pub xaccount_id: String,
}

impl Xaccount {
    pub fn parse(xaccount_type: Option<&str>, xaccount_id: Option<&str>) -> Result<Self, DomainError> {
        let required = |name: &str, v: Option<&str>, max: usize| -> Result<String, DomainError> {
            match v.map(str::trim) {
                None | Some("") => Err(DomainError::invalid(format!("{name} is required."))),
                Some(v) if v.chars().count() > max => Err(DomainError::invalid(format!("{name} must be at most {max} characters."))),
                Some(v) => Ok(v.to_owned()),
            }
        };
        Ok(Xaccount {
            xaccount_type: required("xaccount_type", xaccount_type, 64)?,
            xaccount_id: required("xaccount_id", xaccount_id, 128)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn record_ids_are_bounded_text_of_their_own_kind() {
        assert_eq!(OrderId::parse("CS2612080000ABCDE").unwrap().as_str(), "CS2612080000ABCDE");
        assert!(OrderId::parse("").is_err());
        assert!(CouponId::parse(&"x".repeat(MAX_ID_CHARS + 1)).is_err());
        assert!(QuotaId::parse("a b").is_err());
        assert!(ResourceId::parse("a\u{7}").is_err());
        assert_eq!(TransferId::parse_optional(Some("")).unwrap(), None);
        assert_eq!(MemberId::parse_optional(None).unwrap(), None);
        let id = OrderId::from_trusted("o-1".into());
        assert!(id == "o-1" && id.starts_with("o-"), "reads as text");
    }

    #[test]
    fn domain_id_is_32_lowercase_hex() {
        let id = DomainId::generate();
        assert!(DomainId::parse(id.as_str()).is_ok());
        assert!(DomainId::parse(&id.as_str().to_uppercase()).is_err());
        assert!(DomainId::parse("abc").is_err());
        assert!(DomainId::parse(&"g".repeat(32)).is_err());
    }

    #[test]
    fn login_name_rules() {
        for ok in ["alice", "_abcde", "-ab12", "Abc_de-f9", &"a".repeat(32)] {
            assert!(DomainName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["abcd", &"a".repeat(33), "op_alice", "OP_alice", "shadow_bob", "12345", "1abcde", "ab cde", "abc.de", "中文名字呀"]
        {
            let err = DomainName::parse(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidLoginName, "{bad}");
        }
    }

    #[test]
    fn xaccount_is_required_and_bounded() {
        assert!(Xaccount::parse(Some("t"), Some("u")).is_ok());
        assert_eq!(Xaccount::parse(None, Some("u")).unwrap_err().code, ErrorCode::InvalidParameter);
        assert!(Xaccount::parse(Some("t"), Some("")).is_err());
        assert!(Xaccount::parse(Some(&"t".repeat(65)), Some("u")).is_err());
        assert!(Xaccount::parse(Some("t"), Some(&"u".repeat(129))).is_err());
    }

    proptest! {
        #[test]
        fn random_names_always_parse(_seed in 0u8..255) {
            let n = DomainName::random();
            prop_assert_eq!(n.as_str().len(), 32);
            prop_assert!(DomainName::parse(n.as_str()).is_ok());
        }

        #[test]
        fn parsed_names_satisfy_every_rule(s in "[a-zA-Z0-9_-]{0,40}") {
            if let Ok(n) = DomainName::parse(&s) {
                let len = n.as_str().len();
                prop_assert!((5..=32).contains(&len));
                prop_assert!(!n.as_str().to_lowercase().starts_with("op_"));
                prop_assert!(!n.as_str().chars().next().unwrap().is_ascii_digit());
            }
        }
    }
}
