//! Rules of the web console that need no I/O: masking of sensitive customer fields
//! (docs/DOMAIN.md#R-CON-4), anonymizing them in exports (#R-EXP-2), the sign-in limits
//! (#R-CON-1) and the CSRF compare (#R-CON-3).

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

/// Failed sign-ins of one login from one client address within `LOCKOUT_WINDOW_MS` that lock
/// the login for that address.
pub const LOCKOUT_FAILURES: usize = 5;
/// Failed sign-ins from one client address, whatever the logins, that throttle the address:
/// one source cannot guess passwords across many logins.
pub const CLIENT_FAILURES: usize = 20;
/// Failed sign-ins of one login from all addresses together that lock it everywhere: the
/// defence against guessing from many addresses, high enough that one source alone (held to
/// `CLIENT_FAILURES`) cannot lock a person out.
pub const LOGIN_FAILURES_ALL_CLIENTS: usize = 50;
/// The window of the lockout rules: 15 minutes.
pub const LOCKOUT_WINDOW_MS: EpochMillis = 15 * 60 * 1000;
/// The longest login a sign-in form may submit (a login name is at most 32 characters, a
/// member's at most 64). A longer one is refused without being looked up or stored.
pub const MAX_LOGIN_CHARS: usize = 64;

/// One recent sign-in attempt of a login, as the lockout rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInAttempt {
    pub at: EpochMillis,
    pub succeeded: bool,
    /// Was it made from the client address now signing in?
    pub same_client: bool,
}

/// Why a sign-in is refused before any password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Too many failures of this login from this address, or from all addresses together.
    LoginLocked,
    /// Too many failures from this address, across logins.
    ClientThrottled,
}

/// May a sign-in attempt go on to the password check? `login_attempts` are the login's
/// recent attempts from every address (any order); `client_failures` counts this address's
/// failures within the window, for any login. Failures count only within the window and
/// after the newest success of the login, so a person who signs in starts afresh.
pub fn sign_in_gate(login_attempts: &[SignInAttempt], client_failures: usize, now: EpochMillis) -> Result<(), SignInRefusal> {
    if client_failures >= CLIENT_FAILURES {
        return Err(SignInRefusal::ClientThrottled);
    }
    let since = now - LOCKOUT_WINDOW_MS;
    let last_success = login_attempts.iter().filter(|a| a.succeeded).map(|a| a.at).max().unwrap_or(EpochMillis::MIN);
    let counted: Vec<_> = login_attempts.iter().filter(|a| !a.succeeded && a.at > since && a.at > last_success).collect();
    if counted.iter().filter(|a| a.same_client).count() >= LOCKOUT_FAILURES || counted.len() >= LOGIN_FAILURES_ALL_CLIENTS {
        return Err(SignInRefusal::LoginLocked);
    }
    Ok(())
}

/// Is the submitted login short enough to be looked up and recorded at all?
pub fn login_is_storable(login: &str) -> bool {
    login.chars().count() <= MAX_LOGIN_CHARS
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

    fn failures(n: usize, now: EpochMillis, same_client: bool) -> Vec<SignInAttempt> {
        (0..n).map(|i| SignInAttempt { at: now - 1000 * (i as i64 + 1), succeeded: false, same_client }).collect()
    }

    #[test]
    fn five_failures_from_one_address_lock_the_login_for_it() {
        let now = 10 * LOCKOUT_WINDOW_MS;
        assert_eq!(sign_in_gate(&failures(4, now, true), 4, now), Ok(()));
        assert_eq!(sign_in_gate(&failures(5, now, true), 5, now), Err(SignInRefusal::LoginLocked));
    }

    #[test]
    fn another_address_cannot_lock_a_person_out() {
        let now = 10 * LOCKOUT_WINDOW_MS;
        // Up to the per-address ceiling, another source's failures leave this address free.
        assert_eq!(sign_in_gate(&failures(CLIENT_FAILURES, now, false), 0, now), Ok(()));
        // Only failures from many addresses together lock the login everywhere.
        assert_eq!(sign_in_gate(&failures(LOGIN_FAILURES_ALL_CLIENTS, now, false), 0, now), Err(SignInRefusal::LoginLocked));
    }

    #[test]
    fn one_address_is_throttled_across_logins() {
        let now = 10 * LOCKOUT_WINDOW_MS;
        assert_eq!(sign_in_gate(&[], CLIENT_FAILURES - 1, now), Ok(()));
        assert_eq!(sign_in_gate(&[], CLIENT_FAILURES, now), Err(SignInRefusal::ClientThrottled));
    }

    #[test]
    fn old_failures_and_those_before_a_success_do_not_count() {
        let now = 10 * LOCKOUT_WINDOW_MS;
        let old: Vec<_> = (0..5).map(|i| SignInAttempt { at: now - LOCKOUT_WINDOW_MS - i, succeeded: false, same_client: true }).collect();
        assert_eq!(sign_in_gate(&old, 0, now), Ok(()));
        let mut a = failures(5, now, true);
        a.push(SignInAttempt { at: now - 500, succeeded: true, same_client: true });
        assert_eq!(sign_in_gate(&a, 0, now), Ok(()));
    }

    #[test]
    fn overlong_logins_are_not_storable() {
        assert!(login_is_storable(&"a".repeat(MAX_LOGIN_CHARS)));
        assert!(!login_is_storable(&"a".repeat(MAX_LOGIN_CHARS + 1)));
        assert!(!login_is_storable(&"x".repeat(200_000)));
    }

    #[test]
    fn csrf_compare() {
        assert!(csrf_matches("abc123", "abc123"));
        assert!(!csrf_matches("abc123", "abc124"));
        assert!(!csrf_matches("abc123", ""));
        assert!(!csrf_matches("", ""));
    }
}
