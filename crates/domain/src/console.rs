//! Rules of the web console that need no I/O: masking of sensitive customer fields (domain.md
//! §1), anonymizing them in exports (§3), the sign-in lockout decision and the CSRF compare.

use crate::error::DomainError;
use crate::query::EpochMillis;

/// A sensitive customer field that lists mask and a person may reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SensitiveField {
    Name,
    Mobile,
    Email,
}

impl SensitiveField {
    pub const ALL: [SensitiveField; 3] = [SensitiveField::Name, SensitiveField::Mobile, SensitiveField::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            SensitiveField::Name => "name",
            SensitiveField::Mobile => "mobile",
            SensitiveField::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        SensitiveField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| DomainError::invalid(format!("field must be name, mobile or email, not '{s}'.")))
    }

    /// The masked form shown in lists: enough to recognise a row, not to read the value.
    pub fn mask(self, value: &str) -> String {
        match self {
            SensitiveField::Name => keep_first(value, 1, 3),
            SensitiveField::Mobile => keep_ends(value, 3, 4),
            SensitiveField::Email => match value.split_once('@') {
                Some((local, domain)) => format!("{}@{domain}", keep_first(local, 1, 3)),
                None => keep_first(value, 1, 3),
            },
        }
    }

    /// The anonymized form written to exports: irreversible and shorter than the mask, since
    /// a file leaves the system and no reveal is possible there.
    pub fn anonymize(self, value: &str) -> String {
        match self {
            SensitiveField::Name => keep_first(value, 1, 2),
            SensitiveField::Mobile => keep_ends(value, 0, 4),
            SensitiveField::Email => match value.split_once('@') {
                Some((_, domain)) => format!("***@{domain}"),
                None => "***".to_owned(),
            },
        }
    }
}

/// The first `keep` characters, then `stars` asterisks (all stars when the value is short).
fn keep_first(value: &str, keep: usize, stars: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep {
        return "*".repeat(stars);
    }
    chars[..keep].iter().collect::<String>() + &"*".repeat(stars)
}

/// The first `head` and last `tail` characters around four asterisks.
fn keep_ends(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "****".to_owned();
    }
    let h: String = chars[..head].iter().collect();
    let t: String = chars[chars.len() - tail..].iter().collect();
    format!("{h}****{t}")
}

/// Failed sign-ins of one login within `LOCKOUT_WINDOW_MS` that lock it.
pub const LOCKOUT_FAILURES: usize = 5;
/// The window of the lockout rule: 15 minutes.
pub const LOCKOUT_WINDOW_MS: EpochMillis = 15 * 60 * 1000;

/// Is a login locked, given the times of its recent attempts (`(at, succeeded)`, any order)?
/// Failures count only within the window and after the newest success, so a person who signs
/// in successfully starts afresh. While locked, no password is checked at all.
pub fn is_locked_out(attempts: &[(EpochMillis, bool)], now: EpochMillis) -> bool {
    let since = now - LOCKOUT_WINDOW_MS;
    let last_success = attempts.iter().filter(|(_, ok)| *ok).map(|(at, _)| *at).max().unwrap_or(EpochMillis::MIN);
    attempts.iter().filter(|(at, ok)| !ok && *at > since && *at > last_success).count() >= LOCKOUT_FAILURES
}

/// Compares a submitted CSRF token with the expected one in constant time; an empty
/// expectation never matches.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    let (a, b) = (expected.as_bytes(), submitted.as_bytes());
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How long a console session lasts after sign-in: 8 hours.
pub const SESSION_TTL_MS: EpochMillis = 8 * 3600 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_little() {
        assert_eq!(SensitiveField::Name.mask("Alpha Retail Ltd."), "A***");
        assert_eq!(SensitiveField::Name.mask("张三丰"), "张***");
        assert_eq!(SensitiveField::Mobile.mask("13812345678"), "138****5678");
        assert_eq!(SensitiveField::Email.mask("alpha@example.com"), "a***@example.com");
        assert_eq!(SensitiveField::Name.mask("A"), "***");
        assert_eq!(SensitiveField::Mobile.mask("12345"), "****");
    }

    #[test]
    fn anonymized_values_hide_more_than_masks() {
        assert_eq!(SensitiveField::Name.anonymize("Alpha Retail Ltd."), "A**");
        assert_eq!(SensitiveField::Mobile.anonymize("13812345678"), "****5678");
        assert_eq!(SensitiveField::Email.anonymize("alpha@example.com"), "***@example.com");
        assert_eq!(SensitiveField::Email.anonymize("no-at-sign"), "***");
        for f in SensitiveField::ALL {
            assert!(!f.anonymize("alpha@example.com13812345678").contains("alpha"));
        }
    }

    #[test]
    fn fields_parse_by_name_only() {
        assert_eq!(SensitiveField::parse("mobile").unwrap(), SensitiveField::Mobile);
        assert!(SensitiveField::parse("password").is_err());
    }

    #[test]
    fn five_recent_failures_lock() {
        let now = 10 * LOCKOUT_WINDOW_MS;
        let fails = |n: i64| (0..n).map(|i| (now - 1000 * (i + 1), false)).collect::<Vec<_>>();
        assert!(!is_locked_out(&fails(4), now));
        assert!(is_locked_out(&fails(5), now));
    }

    #[test]
    fn old_failures_and_those_before_a_success_do_not_count() {
        let now = 10 * LOCKOUT_WINDOW_MS;
        let mut a: Vec<_> = (0..5).map(|i| (now - LOCKOUT_WINDOW_MS - i, false)).collect();
        assert!(!is_locked_out(&a, now));
        a = (0..5).map(|i| (now - 10_000 - i, false)).collect();
        a.push((now - 5_000, true));
        assert!(!is_locked_out(&a, now));
    }

    #[test]
    fn csrf_compare() {
        assert!(csrf_matches("abc123", "abc123"));
        assert!(!csrf_matches("abc123", "abc124"));
        assert!(!csrf_matches("abc123", ""));
        assert!(!csrf_matches("", ""));
    }
}
