//! The business clock's one rule that callers can ask about: whether a database is a sandbox
//! is fixed when it is created (`pcenter --sandbox`), never changed afterwards.

use crate::error::{DomainError, ErrorCode};

/// UTC+8, the calendar of the channel's business days, bills and the API's "East-8" dates.
pub const EAST_EIGHT: chrono::FixedOffset = match chrono::FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Checks a request that names the sandbox flag (the operator's clock operation): it may
/// only restate what the database already is.
pub fn check_sandbox_flag(requested: Option<bool>, is_sandbox: bool) -> Result<(), DomainError> {
    match (requested, is_sandbox) {
        (Some(true), false) => Err(DomainError::new(
            ErrorCode::BusinessCheckFailed,
            "A database becomes a sandbox only when it is created as one (pcenter --sandbox); this one never will.",
        )),
        (Some(false), true) => {
            Err(DomainError::new(ErrorCode::BusinessCheckFailed, "A sandbox database stays a sandbox; create a new database instead."))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_can_only_restate_what_the_database_is() {
        assert!(check_sandbox_flag(None, false).is_ok());
        assert!(check_sandbox_flag(None, true).is_ok());
        assert!(check_sandbox_flag(Some(true), true).is_ok());
        assert!(check_sandbox_flag(Some(false), false).is_ok());
        assert_eq!(check_sandbox_flag(Some(true), false).unwrap_err().code, ErrorCode::BusinessCheckFailed);
        assert_eq!(check_sandbox_flag(Some(false), true).unwrap_err().code, ErrorCode::BusinessCheckFailed);
    }
}
