//! Identifiers and names, parsed once at the edge (parse, don't validate).

use crate::error::{DomainError, ErrorCode};
use rand::Rng;
use regex::Regex;
use std::fmt;
use std::sync::OnceLock;

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

fn login_name_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[a-zA-Z_-][a-zA-Z0-9_-]*$").expect("static regex"))
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
        if !login_name_pattern().is_match(s) {
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
